import type { AiProviderOffer } from '../../../shared/settings.schema';
import { Field } from '../ui/field';
import { defaultLabel, modelLabel } from './ai-offer';

interface ModelSelectProps {
  label: string;
  offer: AiProviderOffer;
  /** A model on offer, or '' for the server default. */
  value: string;
  onValue: (model: string) => void;
  /** The saved model, when the server no longer offers it. */
  withdrawn: string | null;
  error?: string | undefined;
}

/** One provider's model, chosen from what the server's operator offers, with its price. */
export function ModelSelect({ label, offer, value, onValue, withdrawn, error }: ModelSelectProps) {
  const hint = withdrawn
    ? `${withdrawn} is no longer offered on this server; the default answers instead.`
    : undefined;
  return (
    <Field label={label} hint={hint} error={error}>
      {(control) => (
        <select
          className="input"
          {...control}
          value={value}
          disabled={offer.models.length === 0}
          onChange={(e) => onValue(e.target.value)}
        >
          <option value="">{defaultLabel(offer)}</option>
          {offer.models.map((m) => (
            <option key={m.model} value={m.model}>
              {modelLabel(m)}
            </option>
          ))}
        </select>
      )}
    </Field>
  );
}
