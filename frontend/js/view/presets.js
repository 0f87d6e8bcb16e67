// The Examples menu: the seed's experiments (from GET /api/presets) and a few small examples; the
// seed field that regenerates a preset's program; the bar that says what to look at.
import { h, setText } from './dom.js';
import { t, tOr } from '../i18n.js';

/** A preset's title and what to look at, in the page's language (the API's English when not in the catalog). */
export const presetTitle = (p) => tOr(`preset.${p.name}.title`, p.title);
export const presetDescription = (p) => tOr(`preset.${p.name}.description`, p.description);
import { definesName } from '../model/training.js';
import { createLatest } from '../model/latest.js';

const PRESET = 'preset:';
const EXAMPLE = 'example:';

/**
 * @param {{select, seed, info, title, description}} els
 * @param {{api: ReturnType<typeof import('../training-api.js').createTrainingApi> | null, examples: {id, title}[],
 *   onPreset: (preset: import('#types/api').PresetModel) => void, onExample: (id: string) => void, onError?: (text: string) => void}} deps
 */
export function createPresetMenu(els, { api, examples, onPreset, onExample, onError }) {
  let presets = [];
  let current = null;
  let lastSource = null; // the program of the last graph drawn
  let matches = true; // whether the editor's program is still the current preset's (perhaps edited)
  const latest = createLatest();

  function fill() {
    const groups = [];
    if (api) {
      groups.push(
        h(
          'optgroup',
          { label: t(presets.length ? 'menu.presets' : 'menu.presetsLoading'), dataset: { group: 'presets' } },
          ...presets.map((p) => h('option', { value: PRESET + p.name, dataset: { preset: p.name }, text: presetTitle(p) })),
        ),
      );
    }
    groups.push(h('optgroup', { label: t('menu.small'), dataset: { group: 'examples' } }, ...examples.map((ex) => h('option', { value: EXAMPLE + ex.id, text: tOr(`example.${ex.id}`, ex.title) }))));
    els.select.replaceChildren(h('option', { value: '', text: t('menu.examples') }), ...groups);
    els.select.value = current ? PRESET + current.name : '';
  }

  function showInfo() {
    els.info.hidden = !current || !matches;
    els.seed.disabled = !current || !matches;
    if (!current || !matches) {
      els.seed.value = '';
      els.select.value = '';
      return;
    }
    setText(els.title, presetTitle(current));
    setText(els.description, presetDescription(current));
    els.seed.value = String(current.seed);
    els.select.value = PRESET + current.name;
    els.info.dataset.preset = current.name;
    els.info.dataset.seed = String(current.seed);
  }

  async function open(name, seed = null) {
    const my = latest.start();
    const res = await api.preset(name, seed);
    if (!latest.isLatest(my)) return;
    if (!res.ok) {
      onError?.(res.body?.detail?.[0]?.msg ?? res.body?.detail ?? t('menu.presetError', { status: res.status }));
      showInfo();
      return;
    }
    current = res.body;
    matches = true;
    showInfo();
    onPreset(current);
  }

  els.select.addEventListener('change', () => {
    const v = els.select.value;
    if (v.startsWith(PRESET)) open(v.slice(PRESET.length), null);
    else if (v.startsWith(EXAMPLE)) {
      onExample(v.slice(EXAMPLE.length));
      clear();
    } else showInfo();
  });
  els.seed.addEventListener('change', () => {
    if (!current) return;
    const n = Number(els.seed.value);
    if (!Number.isInteger(n) || n < 0 || n > 2 ** 32 - 1) {
      els.seed.classList.add('invalid');
      return;
    }
    els.seed.classList.remove('invalid');
    open(current.name, n);
  });

  function clear() {
    latest.cancel();
    current = null;
    showInfo();
  }

  fill();
  showInfo();
  if (api) {
    api.presets().then((res) => {
      if (!res.ok || !Array.isArray(res.body)) {
        onError?.(t('menu.presetsError'));
        return;
      }
      presets = res.body;
      fill();
      els.select.dataset.loaded = String(presets.length);
    });
  }

  return {
    /** The preset whose program the editor holds (perhaps edited since), or null. */
    get current() {
      return matches ? current : null;
    },
    /**
     * The editor's program was drawn: it is still the preset's while it defines the preset's loss and
     * every one of its parameters. Otherwise the banner goes (and comes back if an undo restores them)
     * and training treats the program as the user's own.
     */
    programSource(source) {
      lastSource = source;
      if (!current) return;
      const next = isPresetsProgram(current, source);
      if (next === matches) return;
      matches = next;
      showInfo();
    },
    /**
     * A shared link named a preset: take its title, text and settings without replacing the link's
     * program (which may be an edited version of it). Resolves to the preset, or null.
     */
    async restore(name, seed = null) {
      const my = latest.start();
      const res = await api?.preset(name, seed);
      if (!latest.isLatest(my) || !res?.ok) return null;
      current = res.body;
      matches = lastSource === null ? true : isPresetsProgram(current, lastSource);
      showInfo();
      return current;
    },
    open,
    /** The page's language changed: the menu and the bar again. */
    relocalize() {
      fill();
      showInfo();
    },
    /** Another program was loaded (an example, a shared link): no preset any more. */
    clear,
  };
}

/** Whether a program is (an edit of) the preset's: it defines the preset's loss and parameters. */
function isPresetsProgram(preset, source) {
  const needed = [preset.loss, ...(preset.layers ?? []).flat()].filter(Boolean);
  return needed.every((n) => definesName(source, n));
}
