import { Alert } from './alert';

/** Shown when this server does not have a part of the product yet (its routes answer 404). */
export function NotConnected({ what, detail }: { what: string; detail: string }) {
  return (
    <Alert tone="info" title={`${what} is being connected on this server`}>
      {detail}
    </Alert>
  );
}
