import { useState } from 'react';
import { ApiError } from '../api/api-error';
import {
  createProduct,
  deleteProduct,
  listProducts,
  updateProduct,
  type Product,
  type ProductCreateRequest,
} from '../api/products.api';
import { Alert } from '../ui/alert';
import { Button } from '../ui/button';
import { formatMoney } from '../../../shared/money';
import { LoadState } from '../ui/load-state';
import { NotConnected } from '../ui/not-connected';
import { PageHeader } from '../ui/page-header';
import { useAction } from '../ui/use-action';
import { useResource } from '../ui/use-resource';
import { ConfirmButton } from './confirm-button';
import { ProductForm } from './product-form';

/** What the assistant may sell: SKU, name, price and stock. */
export function CatalogSection() {
  const products = useResource(listProducts, []);
  const [editing, setEditing] = useState<Product | 'new' | null>(null);
  const remove = useAction(async (id: string) => {
    await deleteProduct(id);
    return true;
  });
  const save = useAction(async (input: ProductCreateRequest) =>
    editing && editing !== 'new' ? updateProduct(editing.id, input) : createProduct(input),
  );

  const missing =
    products.state.status === 'error' &&
    products.state.error instanceof ApiError &&
    products.state.error.code === 'not_found';

  const onSave = async (input: ProductCreateRequest) => {
    const saved = await save.run(input);
    if (!saved) return;
    products.update((items) =>
      items.some((p) => p.id === saved.id)
        ? items.map((p) => (p.id === saved.id ? saved : p))
        : [...items, saved],
    );
    setEditing(null);
  };

  return (
    <section>
      <PageHeader
        level={2}
        title="Catalog"
        description="The products the assistant can quote and sell. It only offers what is in stock and never invents a price."
        actions={
          !missing && editing === null ? (
            <Button variant="primary" size="small" onClick={() => setEditing('new')}>
              Add product
            </Button>
          ) : null
        }
      />
      {remove.error ? <Alert tone="error">{remove.error.humanMessage}</Alert> : null}
      {editing !== null ? (
        <ProductForm
          initial={editing === 'new' ? null : editing}
          busy={save.busy}
          error={save.error}
          onSubmit={onSave}
          onCancel={() => {
            setEditing(null);
            save.clearError();
          }}
        />
      ) : null}
      {missing ? (
        <NotConnected
          what="The catalog"
          detail="Products can be managed here as soon as this server has the commerce features."
        />
      ) : (
        <LoadState state={products.state} reload={products.reload} what="the catalog">
          {(items) =>
            items.length === 0 ? (
              <div className="empty">
                <p className="empty__title">No products yet</p>
                <p>
                  Add what you sell, with its price and stock, so the assistant can take orders.
                </p>
              </div>
            ) : (
              <div className="table-wrap">
                <table className="table">
                  <caption className="visually-hidden">Products</caption>
                  <thead>
                    <tr>
                      <th scope="col">SKU</th>
                      <th scope="col">Name</th>
                      <th scope="col" className="num">
                        Price
                      </th>
                      <th scope="col" className="num">
                        Stock
                      </th>
                      <th scope="col">
                        <span className="visually-hidden">Actions</span>
                      </th>
                    </tr>
                  </thead>
                  <tbody>
                    {items.map((p) => (
                      <tr key={p.id}>
                        <td>
                          <code>{p.sku}</code>
                        </td>
                        <td>
                          {p.name}
                          {p.description ? (
                            <div className="muted small">{p.description}</div>
                          ) : null}
                        </td>
                        <td className="num">{formatMoney(p.priceMinor, p.currency)}</td>
                        <td className="num">
                          {p.stock ?? <span className="muted">Unlimited</span>}
                        </td>
                        <td className="table__actions">
                          <Button
                            size="small"
                            variant="ghost"
                            onClick={() => setEditing(p)}
                            aria-label={`Edit ${p.name}`}
                          >
                            Edit
                          </Button>
                          <ConfirmButton
                            label="Delete"
                            confirmLabel={`Delete ${p.name}`}
                            busy={remove.busy}
                            onConfirm={async () => {
                              if (await remove.run(p.id)) {
                                products.update((list) => list.filter((x) => x.id !== p.id));
                              }
                            }}
                          />
                        </td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            )
          }
        </LoadState>
      )}
    </section>
  );
}
