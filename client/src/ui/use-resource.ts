import { useCallback, useEffect, useState, type DependencyList } from 'react';

export type ResourceState<T> =
  { status: 'loading' } | { status: 'ready'; data: T } | { status: 'error'; error: unknown };

export interface Resource<T> {
  state: ResourceState<T>;
  /** Loads again; the current data stays on screen meanwhile. */
  reload: () => void;
  /** Updates the loaded data in place (after a save answered the new value). */
  update: (change: (data: T) => T) => void;
}

/** Loads on mount and whenever `deps` change; answers that arrive after unmount are dropped. */
export function useResource<T>(load: () => Promise<T>, deps: DependencyList): Resource<T> {
  const [state, setState] = useState<ResourceState<T>>({ status: 'loading' });
  const [version, setVersion] = useState(0);

  useEffect(() => {
    let live = true;
    setState((current) => (current.status === 'ready' ? current : { status: 'loading' }));
    void load().then(
      (data) => live && setState({ status: 'ready', data }),
      (error: unknown) => live && setState({ status: 'error', error }),
    );
    return () => {
      live = false;
    };
    // `load` is a new closure each render; `deps` say when it means something new.
  }, [...deps, version]);

  const reload = useCallback(() => setVersion((v) => v + 1), []);
  const update = useCallback(
    (change: (data: T) => T) =>
      setState((current) =>
        current.status === 'ready' ? { status: 'ready', data: change(current.data) } : current,
      ),
    [],
  );
  return { state, reload, update };
}
