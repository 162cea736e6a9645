import type { ReactNode } from 'react';
import { useDocumentTitle } from '../ui/page-header';

/** The signed-out pages: one calm card, nothing else to look at. */
export function AuthLayout({
  title,
  children,
  footer,
}: {
  title: string;
  children: ReactNode;
  footer?: ReactNode;
}) {
  useDocumentTitle(title);
  return (
    <div className="auth">
      <main className="auth__card" id="main">
        <div className="brand brand--large">
          <img src="/favicon.svg" alt="" width="32" height="32" />
          <span>Parley</span>
        </div>
        <h1 className="auth__title">{title}</h1>
        {children}
      </main>
      {footer ? <div className="auth__footer">{footer}</div> : null}
    </div>
  );
}
