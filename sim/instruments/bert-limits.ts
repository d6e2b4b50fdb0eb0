// What the simulated BERT's modules accept, shared by both of its command trees.
/** Line rates the generator accepts, Hz (NRZ: bit rate = clock frequency). */
export const BERT_RATE_RANGE_HZ = [1e9, 116e9] as const;
/** Default line rate: 25GbE/100GbE lanes. */
export const BERT_DEFAULT_RATE_HZ = 25.78125e9;
