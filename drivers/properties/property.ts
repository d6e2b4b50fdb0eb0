// Declared settings, in the spirit of PyMeasure's `Instrument.control`: a setting that is one command and
// one query is a table entry (templates, codec, validator), not a hand-written pair of methods.
//
//   const table = {
//     wavelength_nm: control({ get: ':SENS{slot}:CHAN{chan}:POW:WAV?', set: ':SENS{slot}:CHAN{chan}:POW:WAV {value}',
//       codec: NM_VIA_METRES, validate: inRange({ min: 1250, max: 1650 }, 'nm') }),
//   };
//   const props = bindProperties(session, table);
//   await props.wavelength_nm.set(1550, { slot: 1, chan: 1 });   // checked by TypeScript
import { ReplyFormatError, ResponseFormatError } from '../errors.ts';
import type { ScpiSession } from '../session/scpi-session.ts';
import type { Codec } from './codecs.ts';
import { InvalidSettingError } from './errors.ts';
import { writeChecked } from './send.ts';
import { fillTemplate } from './template.ts';
import type { AddressArgs, AddressOf } from './template.ts';
import type { Validator } from './validators.ts';

export interface ControlDef<T, G extends string, S extends string> {
  readonly kind: 'control';
  readonly get: G;
  /** Must contain `{value}`. */
  readonly set: S;
  readonly codec: Codec<T>;
  readonly validate?: Validator<T>;
}

export interface MeasurementDef<T, G extends string> {
  readonly kind: 'measurement';
  readonly get: G;
  readonly codec: Codec<T>;
}

export interface SettingDef<T, S extends string> {
  readonly kind: 'setting';
  readonly set: S;
  readonly codec: Codec<T>;
  readonly validate?: Validator<T>;
}

// `any` here only widens the table's constraint; each entry keeps its exact type.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type PropertyDef = ControlDef<any, string, string> | MeasurementDef<any, string> | SettingDef<any, string>;

export function control<T, G extends string, S extends string>(def: Omit<ControlDef<T, G, S>, 'kind'>): ControlDef<T, G, S> {
  checkValueField(def.set);
  return { kind: 'control', ...def };
}

export function measurement<T, G extends string>(def: Omit<MeasurementDef<T, G>, 'kind'>): MeasurementDef<T, G> {
  return { kind: 'measurement', ...def };
}

export function setting<T, S extends string>(def: Omit<SettingDef<T, S>, 'kind'>): SettingDef<T, S> {
  checkValueField(def.set);
  return { kind: 'setting', ...def };
}

export interface Getter<T, A> {
  get(...address: AddressArgs<A>): Promise<T>;
}

export interface Setter<T, A> {
  /** Validates (InvalidSettingError, nothing sent), writes, then drains the error queue (InstrumentError). */
  set(value: T, ...address: AddressArgs<A>): Promise<void>;
  /** The command that `set` would send, after validation; for logs and tests. */
  command(value: T, ...address: AddressArgs<A>): string;
}

export type Bound<D> =
  D extends ControlDef<infer T, infer G, infer S> ? Getter<T, AddressOf<G | S>> & Setter<T, AddressOf<G | S>>
    : D extends MeasurementDef<infer T, infer G> ? Getter<T, AddressOf<G>>
      : D extends SettingDef<infer T, infer S> ? Setter<T, AddressOf<S>>
        : never;

export type BoundProperties<Table extends Record<string, PropertyDef>> = { readonly [K in keyof Table]: Bound<Table[K]> };

/** Binds a table to a session: one object per entry with `get` and/or `set`. */
export function bindProperties<Table extends Record<string, PropertyDef>>(session: ScpiSession, table: Table): BoundProperties<Table> {
  const out: Record<string, unknown> = {};
  for (const [name, def] of Object.entries(table)) out[name] = bindOne(session, name, def);
  return out as BoundProperties<Table>;
}

type Fields = Record<string, number | string>;

function bindOne(session: ScpiSession, name: string, def: PropertyDef): object {
  const bound: Record<string, unknown> = {};
  if (def.kind !== 'setting') {
    const { get, codec } = def;
    bound.get = async (address?: Fields): Promise<unknown> => {
      const command = fillTemplate(get, address ?? {});
      const reply = await session.query(command);
      return parseReply(session.resource, command, reply, codec);
    };
  }
  if (def.kind !== 'measurement') {
    const { set, codec, validate } = def;
    const command = (value: unknown, address?: Fields): string => {
      const problem = validate ? validate(value) : null;
      if (problem !== null) throw new InvalidSettingError(session.resource, name, value, problem);
      let text: string;
      try {
        text = codec.format(value);
      } catch (err) {
        throw new InvalidSettingError(session.resource, name, value, (err as Error).message);
      }
      return fillTemplate(set, { ...(address ?? {}), value: text });
    };
    bound.command = command;
    bound.set = async (value: unknown, address?: Fields): Promise<void> => writeChecked(session, command(value, address));
  }
  return bound;
}

/** Runs a codec's parser on a reply; a malformed reply becomes a ReplyFormatError naming resource and command. */
export function parseReply<T>(resource: string, command: string, reply: string, codec: Codec<T>): T {
  try {
    return codec.parse(reply);
  } catch (err) {
    if (!(err instanceof ResponseFormatError)) throw err;
    throw new ReplyFormatError(resource, command, reply, err.expected, { cause: err });
  }
}

function checkValueField(template: string): void {
  if (!template.includes('{value}')) throw new Error(`set template '${template}' has no {value} field`);
}
