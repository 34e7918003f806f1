/** The field's name, as templates write it: `ui:field: PostgresPreview`. */
export const POSTGRES_PREVIEW_FIELD = 'PostgresPreview';
