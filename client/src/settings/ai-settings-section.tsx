import { useState, type DragEvent, type FormEvent } from 'react';
import {
  AI_MODEL_PROVIDERS,
  aiSettingsSchema,
  type AiModelProvider,
  type AiOffer,
  type AiProvider,
  type AiSettings,
} from '../../../shared/settings.schema';
import { getAiOffer, getAiSettings, saveAiSettings } from '../api/settings.api';
import { Alert } from '../ui/alert';
import { Button } from '../ui/button';
import { Field, TextField } from '../ui/field';
import { fromMinorUnits, toMinorUnits } from '../../../shared/money';
import { LoadState } from '../ui/load-state';
import { PageHeader } from '../ui/page-header';
import { useAction } from '../ui/use-action';
import { useResource } from '../ui/use-resource';
import { ModelSelect } from './ai-model-select';
import { budgetHint, modelSelection } from './ai-offer';
import { moveItem, orderFromRows, rowsFromOrder, type ProviderRow } from './provider-order';

/** The engine skips a paid provider whose key the server lacks; the page says so. */
function providerNote(provider: AiProvider, offer: AiOffer): string {
  const { note } = PROVIDER_LABELS[provider];
  if (provider === 'offline') return note;
  return offer.providers[provider].configured
    ? 'Its API key is set on this server.'
    : `${note} Not set here, so it is skipped.`;
}

const PROVIDER_LABELS: Readonly<Record<AiProvider, { name: string; note: string }>> = {
  openai: { name: 'OpenAI', note: 'Needs OPENAI_API_KEY on the server.' },
  anthropic: { name: 'Anthropic', note: 'Needs ANTHROPIC_API_KEY on the server.' },
  groq: { name: 'Groq', note: 'Needs GROQ_API_KEY on the server.' },
  offline: {
    name: 'Offline bot',
    note: 'Answers from your catalog without a language model. Free; a safe last resort.',
  },
};
const PROMPT_LIMIT = 8000;

type PerModelProvider<T> = Record<AiModelProvider, T>;
const perModelProvider = <T,>(value: (p: AiModelProvider) => T): PerModelProvider<T> => ({
  openai: value('openai'),
  anthropic: value('anthropic'),
  groq: value('groq'),
});

/** What the budget field holds, in US cents; null when it is empty or not an amount. */
const budgetMinorOf = (text: string): number | null =>
  text.trim() === '' ? null : toMinorUnits(text, 'USD');

const loadAi = async () => {
  const [settings, offer] = await Promise.all([getAiSettings(), getAiOffer()]);
  return { settings, offer };
};

/**
 * Which models answer customers, in which order, with what instructions and budget; the models
 * and the budget's ceiling are what the server's operator offers.
 */
export function AiSettingsSection() {
  const ai = useResource(loadAi, []);
  return (
    <section>
      <PageHeader
        level={2}
        title="AI assistant"
        description="The assistant asks the first provider; if it fails or times out, the next one answers. Over the monthly budget, only the offline bot answers."
      />
      <LoadState state={ai.state} reload={ai.reload} what="the AI settings">
        {(data) => (
          <AiSettingsForm
            initial={data.settings}
            offer={data.offer}
            onSaved={(next) => ai.update((d) => ({ ...d, settings: next }))}
          />
        )}
      </LoadState>
    </section>
  );
}

function AiSettingsForm({
  initial,
  offer,
  onSaved,
}: {
  initial: AiSettings;
  offer: AiOffer;
  onSaved: (s: AiSettings) => void;
}) {
  const [rows, setRows] = useState<ProviderRow[]>(() => rowsFromOrder(initial.providerOrder));
  const selected = (p: AiModelProvider) => modelSelection(initial.models?.[p], offer.providers[p]);
  const [models, setModels] = useState(() => perModelProvider((p) => selected(p).value));
  const [withdrawn, setWithdrawn] = useState(() => perModelProvider((p) => selected(p).withdrawn));
  const [prompt, setPrompt] = useState(initial.systemPrompt ?? '');
  const [budget, setBudget] = useState(
    initial.monthlyBudgetMinor == null ? '' : fromMinorUnits(initial.monthlyBudgetMinor, 'USD'),
  );
  const [problem, setProblem] = useState<string | null>(null);
  const [saved, setSaved] = useState(false);
  const [dragging, setDragging] = useState<number | null>(null);
  const [announcement, setAnnouncement] = useState('');
  const save = useAction(saveAiSettings);
  const fields = save.error?.fieldErrors() ?? {};

  const move = (from: number, to: number) => {
    const moved = rows[from];
    const next = moveItem(rows, from, to);
    setRows(next);
    if (moved) {
      const position = next.indexOf(moved) + 1;
      setAnnouncement(`${PROVIDER_LABELS[moved.provider].name} moved to position ${position}.`);
    }
  };

  const onDrop = (event: DragEvent, index: number) => {
    event.preventDefault();
    if (dragging !== null) move(dragging, index);
    setDragging(null);
  };

  const onSubmit = async (event: FormEvent) => {
    event.preventDefault();
    setSaved(false);
    const budgetMinor = budgetMinorOf(budget);
    if (budget.trim() !== '' && budgetMinor === null) {
      setProblem(
        "Enter the budget in US dollars, like 25 or 25.50, or leave it empty for the server's limit.",
      );
      return;
    }
    const cleanModels = Object.fromEntries(
      AI_MODEL_PROVIDERS.flatMap((p) => (models[p] ? [[p, models[p]]] : [])),
    );
    const parsed = aiSettingsSchema.safeParse({
      providerOrder: orderFromRows(rows),
      models: cleanModels,
      systemPrompt: prompt.trim() === '' ? null : prompt,
      monthlyBudgetMinor: budgetMinor,
    });
    if (!parsed.success) {
      setProblem(
        orderFromRows(rows).length === 0
          ? 'Turn on at least one provider; the offline bot costs nothing.'
          : 'Some settings are not valid. Check the prompt length.',
      );
      return;
    }
    setProblem(null);
    const next = await save.run(parsed.data);
    if (next) {
      setSaved(true);
      setWithdrawn(perModelProvider(() => null));
      onSaved(next);
    }
  };

  return (
    <form className="form" onSubmit={(e) => void onSubmit(e)}>
      {problem ? <Alert tone="error">{problem}</Alert> : null}
      {save.error ? <Alert tone="error">{save.error.humanMessage}</Alert> : null}
      {saved ? <Alert tone="success">AI settings saved.</Alert> : null}
      <fieldset className="card">
        <legend className="card__title">Provider order</legend>
        <p className="field__hint">
          Drag a provider, or use the arrow buttons. Providers that are off are never asked.
        </p>
        <ol className="order-list" aria-label="Provider order">
          {rows.map((row, index) => (
            <li
              key={row.provider}
              className={`order-list__item${dragging === index ? ' is-dragging' : ''}${row.enabled ? '' : ' is-off'}`}
              draggable
              onDragStart={(e) => {
                setDragging(index);
                e.dataTransfer.effectAllowed = 'move';
                e.dataTransfer.setData('text/plain', row.provider);
              }}
              onDragOver={(e) => e.preventDefault()}
              onDrop={(e) => onDrop(e, index)}
              onDragEnd={() => setDragging(null)}
            >
              <span className="order-list__handle" aria-hidden="true">
                ⋮⋮
              </span>
              <span className="order-list__position" aria-hidden="true">
                {index + 1}
              </span>
              <label className="checkbox order-list__label">
                <input
                  type="checkbox"
                  checked={row.enabled}
                  onChange={(e) =>
                    setRows((current) =>
                      current.map((r, i) =>
                        i === index ? { ...r, enabled: e.target.checked } : r,
                      ),
                    )
                  }
                />
                <span>
                  <strong>{PROVIDER_LABELS[row.provider].name}</strong>
                  <span className="muted"> — {providerNote(row.provider, offer)}</span>
                </span>
              </label>
              <span className="order-list__buttons">
                <Button
                  size="small"
                  variant="ghost"
                  disabled={index === 0}
                  aria-label={`Move ${PROVIDER_LABELS[row.provider].name} up`}
                  onClick={() => move(index, index - 1)}
                >
                  ↑
                </Button>
                <Button
                  size="small"
                  variant="ghost"
                  disabled={index === rows.length - 1}
                  aria-label={`Move ${PROVIDER_LABELS[row.provider].name} down`}
                  onClick={() => move(index, index + 1)}
                >
                  ↓
                </Button>
              </span>
            </li>
          ))}
        </ol>
        <p className="visually-hidden" role="status">
          {announcement}
        </p>
      </fieldset>
      <fieldset className="card">
        <legend className="card__title">Models</legend>
        <p className="field__hint">
          The models this server offers, priced in US dollars per million tokens read (in) and
          written (out). The server default answers unless you pick another.
        </p>
        <div className="form__grid">
          {AI_MODEL_PROVIDERS.map((p) => (
            <ModelSelect
              key={p}
              label={`${PROVIDER_LABELS[p].name} model`}
              offer={offer.providers[p]}
              value={models[p]}
              withdrawn={withdrawn[p]}
              error={fields[`models.${p}`]}
              onValue={(v) => {
                setModels((m) => ({ ...m, [p]: v }));
                setWithdrawn((w) => ({ ...w, [p]: null }));
              }}
            />
          ))}
        </div>
      </fieldset>
      <Field
        label="Instructions for the assistant"
        hint={`How it should sound and what it must never promise. ${prompt.length.toLocaleString()} / ${PROMPT_LIMIT.toLocaleString()} characters.`}
      >
        {(control) => (
          <textarea
            className="input textarea"
            rows={6}
            maxLength={PROMPT_LIMIT}
            {...control}
            value={prompt}
            onChange={(e) => setPrompt(e.target.value)}
          />
        )}
      </Field>
      <TextField
        label="Monthly budget (US dollars)"
        inputMode="decimal"
        hint={budgetHint(offer.monthlyBudgetMinor, budgetMinorOf(budget))}
        value={budget}
        onValue={setBudget}
      />
      <div className="form__actions">
        <Button type="submit" variant="primary" busy={save.busy}>
          Save AI settings
        </Button>
      </div>
    </form>
  );
}
