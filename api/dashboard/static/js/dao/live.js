// A DAO page's live events: one stream per open DAO page (core/events.js), shared by its tabs.
import { useCallback, useEffect, useRef, useState } from "preact/hooks";
import { openEventStream } from "../core/events.js";

/** {state, subscribe(listener) -> unsubscribe}; listener(payload) gets each event once. */
export function useDaoEvents(slug) {
  const [state, setState] = useState("connecting");
  const listeners = useRef(new Set());
  useEffect(() => {
    const stream = openEventStream(slug, {
      onEvent: (payload) => listeners.current.forEach((listener) => listener(payload)),
      onState: setState,
    });
    return () => stream.close();
  }, [slug]);
  const subscribe = useCallback((listener) => {
    listeners.current.add(listener);
    return () => listeners.current.delete(listener);
  }, []);
  return { state, subscribe };
}

/** Call `listener` for every live event of the DAO while the component is shown. */
export function useEvents(live, listener, deps = []) {
  useEffect(() => live.subscribe(listener), [live.subscribe, ...deps]);
}

const WORDS = { connecting: "connecting…", live: "live", reconnecting: "reconnecting…", closed: "off" };

export function liveWords(state) {
  return WORDS[state] || state;
}
