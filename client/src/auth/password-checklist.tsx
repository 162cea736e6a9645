import { PASSWORD_COMMON_NOTE, passwordRules } from './password-rules';

/** The server's password rules, ticked off as the person types. */
export function PasswordChecklist({ password, id }: { password: string; id?: string }) {
  return (
    <ul className="checklist" id={id} aria-live="polite">
      {passwordRules(password).map((rule) => (
        <li key={rule.id} className={rule.met ? 'checklist__item is-met' : 'checklist__item'}>
          <span aria-hidden="true">{rule.met ? '✓' : '•'}</span> {rule.text}
          <span className="visually-hidden">{rule.met ? ' (met)' : ' (not yet)'}</span>
        </li>
      ))}
      <li className="checklist__item">
        <span aria-hidden="true">•</span> {PASSWORD_COMMON_NOTE}
      </li>
    </ul>
  );
}

export const passwordReady = (password: string) => passwordRules(password).every((r) => r.met);
