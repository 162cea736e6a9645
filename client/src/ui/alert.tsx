import type { ReactNode } from 'react';

interface AlertProps {
  tone?: 'error' | 'info' | 'success' | 'warning';
  title?: string;
  children: ReactNode;
  action?: ReactNode;
}

/** Errors interrupt (role=alert); everything else is announced politely. */
export function Alert({ tone = 'info', title, children, action }: AlertProps) {
  return (
    <div className={`alert alert--${tone}`} role={tone === 'error' ? 'alert' : 'status'}>
      <div className="alert__body">
        {title ? <p className="alert__title">{title}</p> : null}
        <div>{children}</div>
      </div>
      {action ? <div className="alert__action">{action}</div> : null}
    </div>
  );
}
