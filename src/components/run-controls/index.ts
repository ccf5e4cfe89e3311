export { controlBlockedReason, refusalMessage } from './access';
export { ChoiceRadios } from './ChoiceRadios';
export { ControlDialog } from './ControlDialog';
export { CurrentUserContext, useCurrentUser, type CurrentUser } from './current-user';
export { RefusalAlert } from './RefusalAlert';
export { useRefusal } from './use-refusal';
export { useBlockedReason } from './use-blocked-reason';
