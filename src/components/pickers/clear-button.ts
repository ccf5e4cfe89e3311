/**
 * A clearable Select's clear button a keyboard and a screen reader reach: Mantine's is out of the
 * tab order and aria-hidden, so clearing one filter took the mouse (or re-picking the chosen
 * option, which nobody guesses). Named "Clear <label>".
 */
export const clearButtonFor = (label: string) => ({
  tabIndex: 0,
  'aria-hidden': false,
  'aria-label': `Clear ${label}`,
});
