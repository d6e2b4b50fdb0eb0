// Command templates with named fields: ':SENS{slot}:CHAN{chan}:POW:WAV {value}'. The field names are
// read from the template's type, so a table entry's address argument is checked by TypeScript.

/** The `{name}` fields of a template string type. */
export type TemplateFields<S extends string> = S extends `${string}{${infer F}}${infer Rest}` ? F | TemplateFields<Rest> : never;

/** The address a template needs: every field except `{value}`. */
export type AddressOf<S extends string> = { [K in Exclude<TemplateFields<S>, 'value'>]: number | string };

/** No address argument when the template has no fields, a required one otherwise. */
export type AddressArgs<A> = [keyof A] extends [never] ? [] : [address: A];

const FIELD = /\{([A-Za-z_][A-Za-z0-9_]*)\}/g;

/** Fills the fields; a missing field is a bug in the driver's table, reported with the template. */
export function fillTemplate(template: string, fields: Readonly<Record<string, number | string>>): string {
  return template.replace(FIELD, (_, name: string) => {
    const v = fields[name];
    if (v === undefined) throw new Error(`command template '${template}' needs field '${name}', which was not given`);
    return String(v);
  });
}
