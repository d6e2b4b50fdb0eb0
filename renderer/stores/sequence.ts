// The sequence store: the library, the chosen sequence (library name, a path on the service's machine, or
// uploaded/edited text), parameter overrides, and the service's verdict — validation issues with line and
// field for inline display, or the plan with its steps, limits and ETA.
import { defineStore } from 'pinia';
import { computed, ref } from 'vue';
import type { SequenceEntry, SequenceInfo, SequenceIssueInfo, SequenceLoadResult, SequenceSource } from '../../service/bench-api.ts';
import { errorText, useBench } from '../api/bench-access.ts';

export type SourceChoice =
  | { kind: 'library'; name: string }
  | { kind: 'file'; path: string }
  | { kind: 'text'; name: string; text: string };

export const useSequenceStore = defineStore('sequence', () => {
  const library = ref<SequenceEntry[]>([]);
  const source = ref<SourceChoice | null>(null);
  const overrides = ref<Record<string, string>>({});
  const result = ref<SequenceLoadResult | null>(null);
  const loading = ref(false);
  const error = ref<string | null>(null);

  const sequence = computed<SequenceInfo | null>(() => (result.value?.ok ? result.value.sequence : null));
  const issues = computed<SequenceIssueInfo[]>(() => (result.value && !result.value.ok ? result.value.issues : []));
  /** The text being edited, when the sequence came as text (upload or editor): issues are shown on its lines. */
  const text = computed(() => (source.value?.kind === 'text' ? source.value.text : null));
  /** What startRun takes: the source with the overrides. */
  const request = computed<SequenceSource | null>(() => (source.value ? { ...source.value, set: { ...overrides.value } } : null));

  async function loadLibrary(): Promise<void> {
    try {
      library.value = await useBench().listSequences();
    } catch (err) {
      error.value = errorText(err);
    }
  }

  async function validate(): Promise<SequenceLoadResult | null> {
    const req = request.value;
    if (!req) return null;
    loading.value = true;
    error.value = null;
    try {
      result.value = await useBench().loadSequence(req);
      return result.value;
    } catch (err) {
      result.value = null;
      error.value = errorText(err);
      return null;
    } finally {
      loading.value = false;
    }
  }

  async function choose(choice: SourceChoice): Promise<void> {
    source.value = choice;
    overrides.value = {};
    await validate();
  }

  /** Edits the text of an uploaded/edited sequence (revalidate with validate()). */
  function editText(next: string): void {
    if (source.value?.kind === 'text') source.value = { ...source.value, text: next };
  }

  function setOverride(name: string, value: string): void {
    const next = { ...overrides.value };
    if (value.trim() === '') delete next[name];
    else next[name] = value.trim();
    overrides.value = next;
  }

  return { library, source, overrides, result, loading, error, sequence, issues, text, request, loadLibrary, validate, choose, editText, setOverride };
});
