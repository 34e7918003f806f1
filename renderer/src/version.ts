/**
 * Version of the request schema stored in request.yaml; bump on breaking request changes, and when
 * a new default must not reach databases stored before it (2: restore drills, which stored
 * requests of version 1 resolve to off; request/defaults.ts).
 */
export const SCHEMA_VERSION = '2';
/** Version of this renderer, recorded next to every rendered database. */
export const RENDERER_VERSION = '0.1.0';
