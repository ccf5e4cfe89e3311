/**
 * Where a request's time goes, for bench/load.ts only (issue 17, "GET run / logs p99"): off
 * unless `enableRequestTiming()` was called, and then each request carries a record (in
 * AsyncLocalStorage) that the database pools add their waits to (`timePools` in db/client.ts)
 * and that http/timing.ts's middleware closes. Disabled, a request pays one boolean test.
 */
import { AsyncLocalStorage } from 'node:async_hooks';

/** One request's time (ms, from performance.now()). */
export interface RequestTiming {
  /** When the server's handler chain was entered (the request's headers had been parsed). */
  start: number;
  /** Waiting for a pooled connection. */
  poolWait: number;
  /** From a query's send to its rows parsed (the database, the socket and the event loop). */
  query: number;
  queries: number;
  /** Waiting for a lookup shared with other requests (db/coalesce.ts), its query included. */
  shared: number;
}

/** A finished request's record, by kind (`GET run`, `GET logs`, `POST logs`, `other`). */
export interface TimedRequest {
  kind: string;
  status: number;
  /** Handler chain entered → response's headers decided (the handler returned). */
  app: number;
  poolWait: number;
  query: number;
  queries: number;
  shared: number;
  /** Handler returned → the response's last byte handed to the socket (serialize, gzip, write). */
  send: number;
}

const store = new AsyncLocalStorage<RequestTiming>();
let records: TimedRequest[] | null = null;

/** Starts recording (bench only); `takeRequestTimings` hands over what was recorded since. */
export function enableRequestTiming() {
  records ??= [];
}

export const requestTimingEnabled = () => records !== null;

/** The record of the request this code runs for, when timing is on. */
export const currentTiming = (): RequestTiming | undefined =>
  records === null ? undefined : store.getStore();

export function runTimed<T>(timing: RequestTiming, work: () => T): T {
  return store.run(timing, work);
}

export function recordRequest(request: TimedRequest) {
  records?.push(request);
}

export function takeRequestTimings(): TimedRequest[] {
  const taken = records ?? [];
  if (records !== null) records = [];
  return taken;
}

/** When each connection was accepted (performance.now()), for those the bench watches. */
const accepted = new WeakMap<object, number>();

/** A `connection` listener for the server (bench/load.ts adds it). */
export function noteAccepted(socket: object) {
  if (records !== null) accepted.set(socket, performance.now());
}

export const acceptedAt = (socket: object) => accepted.get(socket);
