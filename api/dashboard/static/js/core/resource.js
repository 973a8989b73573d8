// Reading from the API in components: one resource, or a cursor-paginated list (SPEC 8.1).
import { useEffect, useRef, useState } from "preact/hooks";
import { api, query } from "./api.js";

/** GET `path` (null: nothing yet); {data, error, loading, reload}. */
export function useResource(path) {
  const [state, setState] = useState({ data: null, error: null, loading: Boolean(path) });
  const [version, setVersion] = useState(0);
  useEffect(() => {
    if (!path) return undefined;
    const controller = new AbortController();
    setState((s) => ({ ...s, loading: true }));
    api(path, { signal: controller.signal })
      .then(({ data }) => { if (!controller.signal.aborted) setState({ data, error: null, loading: false }); })
      .catch((error) => { if (!controller.signal.aborted) setState({ data: null, error, loading: false }); });
    return () => controller.abort();
  }, [path, version]);
  return { ...state, reload: () => setVersion((v) => v + 1) };
}

/** The pages of a list route: the first page of `path` with `params`, then "load more" with the
 * answer's `next_cursor`. {items, hasMore, loading, error, loadMore, reload}. */
export function usePages(path, params = {}, limit = 50) {
  const key = path ? path + query({ ...params, limit }) : null;
  const [state, setState] = useState({ items: [], next: null, loading: Boolean(key), error: null });
  const [version, setVersion] = useState(0);
  const current = useRef(key);
  current.current = key;

  async function fetchPage(cursor, signal) {
    const { data } = await api(path + query({ ...params, limit, cursor }), { signal });
    return data;
  }

  useEffect(() => {
    if (!key) return undefined;
    const controller = new AbortController();
    setState((s) => ({ ...s, loading: true, error: null }));
    // A reload replaces the list once its answer is in (the rows stay mounted meanwhile, so an
    // open form in a row survives); an answer for an aborted read is dropped.
    fetchPage(null, controller.signal)
      .then((data) => {
        if (!controller.signal.aborted) setState({ items: data.items, next: data.next_cursor, loading: false, error: null, of: key });
      })
      .catch((error) => {
        if (controller.signal.aborted) return;
        setState((s) => ({ items: s.of === key ? s.items : [], next: null, loading: false, error, of: key }));
      });
    return () => controller.abort();
  }, [key, version]);

  async function loadMore() {
    const requested = key;
    setState((s) => ({ ...s, loading: true }));
    try {
      const data = await fetchPage(state.next);
      if (current.current !== requested) return;
      setState((s) => ({ ...s, items: [...s.items, ...data.items], next: data.next_cursor, loading: false, error: null }));
    } catch (error) {
      setState((s) => ({ ...s, loading: false, error }));
    }
  }

  return {
    items: state.items, hasMore: Boolean(state.next), loading: state.loading, error: state.error,
    loadMore, reload: () => setVersion((v) => v + 1),
  };
}
