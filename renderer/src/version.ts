/** Version of the request schema stored in request.yaml; bump on breaking request changes. */
export const SCHEMA_VERSION = '1';
/** Version of this renderer, recorded next to every rendered database. */
export const RENDERER_VERSION = '0.1.0';
