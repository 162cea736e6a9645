import { useEffect, type AnchorHTMLAttributes, type MouseEvent } from 'react';
import { navigate, useLocation } from './location';

interface LinkProps extends AnchorHTMLAttributes<HTMLAnchorElement> {
  to: string;
  /** Marks the link as the current page when the path starts with `to` (navigation). */
  matchPrefix?: boolean;
}

/** A real anchor (middle-click, copy link, screen readers), navigating in place on a plain click. */
export function Link({ to, matchPrefix, onClick, ...rest }: LinkProps) {
  const { pathname } = useLocation();
  const current = matchPrefix ? pathname === to || pathname.startsWith(`${to}/`) : pathname === to;
  const handleClick = (event: MouseEvent<HTMLAnchorElement>) => {
    onClick?.(event);
    if (event.defaultPrevented || event.button !== 0) return;
    if (event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    event.preventDefault();
    navigate(to);
  };
  return (
    <a href={to} aria-current={current ? 'page' : undefined} onClick={handleClick} {...rest} />
  );
}

/** Replaces the current entry on render: for redirects. */
export function Redirect({ to }: { to: string }) {
  useEffect(() => navigate(to, { replace: true }), [to]);
  return null;
}
