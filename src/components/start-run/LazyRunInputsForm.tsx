import { Skeleton } from '@mantine/core';
import { lazy, Suspense } from 'react';

// The form brings the JSON Schema validator and the date pickers: loaded when a dialog opens.
const Form = lazy(() => import('./RunInputsForm').then((m) => ({ default: m.RunInputsForm })));
type FormProps = Parameters<typeof Form>[0];

/** The start-run form, loaded on first use. */
export function LazyRunInputsForm(props: FormProps) {
  return (
    <Suspense fallback={<Skeleton h={120} aria-label="Loading the form" />}>
      <Form {...props} />
    </Suspense>
  );
}
