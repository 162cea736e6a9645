import { useState, type FormEvent } from 'react';
import type { ApiError } from '../api/api-error';
import { productCreateRequestSchema } from '../../../shared/commerce.schema';
import type { Product, ProductCreateRequest } from '../api/products.api';
import { Alert } from '../ui/alert';
import { Button } from '../ui/button';
import { Field, TextField } from '../ui/field';
import { fromMinorUnits, toMinorUnits } from '../../../shared/money';

interface ProductFormProps {
  initial: Product | null;
  busy: boolean;
  error: ApiError | null;
  onSubmit: (input: ProductCreateRequest) => Promise<void>;
  onCancel: () => void;
}

export function ProductForm({ initial, busy, error, onSubmit, onCancel }: ProductFormProps) {
  const [sku, setSku] = useState(initial?.sku ?? '');
  const [name, setName] = useState(initial?.name ?? '');
  const [currency, setCurrency] = useState(initial?.currency ?? 'USD');
  const [price, setPrice] = useState(
    initial ? fromMinorUnits(initial.priceMinor, initial.currency) : '',
  );
  const [stock, setStock] = useState(initial?.stock == null ? '' : String(initial.stock));
  const [description, setDescription] = useState(initial?.description ?? '');
  const [problems, setProblems] = useState<Record<string, string>>({});
  const fields = { ...(error?.fieldErrors() ?? {}), ...problems };

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const code = currency.trim().toUpperCase();
    const priceMinor = toMinorUnits(price, code);
    const found: Record<string, string> = {};
    if (priceMinor === null)
      found.priceMinor = `Enter a price in ${code || 'the currency'}, like 12.50.`;
    if (stock.trim() !== '' && !/^\d+$/.test(stock.trim()))
      found.stock = 'Enter a whole number, or leave it empty for unlimited.';
    const parsed = productCreateRequestSchema.safeParse({
      sku,
      name,
      currency: code,
      priceMinor: priceMinor ?? 0,
      stock: stock.trim() === '' ? null : Number(stock),
      description: description.trim() === '' ? null : description.trim(),
    });
    if (!parsed.success) {
      for (const issue of parsed.error.issues) found[String(issue.path[0])] ??= issue.message;
    }
    setProblems(found);
    if (Object.keys(found).length > 0 || !parsed.success) return;
    void onSubmit(parsed.data);
  };

  return (
    <form className="card form" onSubmit={submit} aria-labelledby="product-form-heading">
      <h3 className="card__title" id="product-form-heading">
        {initial ? `Edit ${initial.name}` : 'New product'}
      </h3>
      {error && Object.keys(error.fieldErrors()).length === 0 ? (
        <Alert tone="error">{error.humanMessage}</Alert>
      ) : null}
      <div className="form__grid">
        <TextField
          label="SKU"
          required
          spellCheck={false}
          autoFocus
          value={sku}
          onValue={setSku}
          error={fields.sku}
          hint="The code customers and the assistant use: MUG-BLUE."
        />
        <TextField label="Name" required value={name} onValue={setName} error={fields.name} />
        <TextField
          label="Price"
          required
          inputMode="decimal"
          value={price}
          onValue={setPrice}
          error={fields.priceMinor}
        />
        <TextField
          label="Currency"
          required
          maxLength={3}
          spellCheck={false}
          value={currency}
          onValue={(v) => setCurrency(v.toUpperCase())}
          error={fields.currency}
          hint="Three letters: USD, EUR, NGN, GHS, KES…"
        />
        <TextField
          label="Stock"
          inputMode="numeric"
          value={stock}
          onValue={setStock}
          error={fields.stock}
          hint="Empty means unlimited."
        />
      </div>
      <Field
        label="Description"
        hint="Optional. The assistant may quote it."
        error={fields.description}
      >
        {(control) => (
          <textarea
            className="input textarea"
            rows={3}
            maxLength={2000}
            {...control}
            value={description}
            onChange={(e) => setDescription(e.target.value)}
          />
        )}
      </Field>
      <div className="form__actions">
        <Button type="submit" variant="primary" busy={busy}>
          {initial ? 'Save product' : 'Add product'}
        </Button>
        <Button variant="ghost" onClick={onCancel}>
          Cancel
        </Button>
      </div>
    </form>
  );
}
