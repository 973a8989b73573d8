// A tiny publish/subscribe between parts of the page that do not own each other:
// "session" (signed in or out), "route" (the URL changed), "ledger" (a job moved credits).
const topics = new Map();

export function on(topic, listener) {
  if (!topics.has(topic)) topics.set(topic, new Set());
  topics.get(topic).add(listener);
  return () => topics.get(topic).delete(listener);
}

export function emit(topic, data) {
  for (const listener of [...(topics.get(topic) || [])]) listener(data);
}
