// `*IDN?` replies: `Manufacturer,Model,Serial,Firmware` (IEEE 488.2 4.1.3.6).

export interface Identity {
  manufacturer: string;
  model: string;
  serial: string;
  firmware: string;
}

/** Splits an identity reply; missing fields are ''. Never throws: a driver decides what it needs. */
export function parseIdentity(reply: string): Identity {
  const [manufacturer = '', model = '', serial = '', firmware = ''] = reply.trim().replace(/^"(.*)"$/, '$1').split(',').map((s) => s.trim());
  return { manufacturer, model, serial, firmware };
}

/** Keysight's instruments still answer as Agilent or Hewlett-Packard depending on age and firmware. */
export function isKeysightFamily(manufacturer: string): boolean {
  return /^(keysight|agilent|hewlett[- ]packard|hp)\b/i.test(manufacturer);
}
