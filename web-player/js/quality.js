// The quality selector: "Auto" (hls.js picks by bandwidth) plus one entry per rung of an ABR
// broadcast. Shown only when the master playlist has more than one level; a passthrough
// broadcast has one, so viewers never see a menu with nothing to choose.
import { t, onLangChange } from './i18n.js';

const AUTO = 'auto';

function levelName(level) {
  return level.height ? `${level.height}p` : `${Math.round(level.bitrate / 1000)} kbps`;
}

export function attachQualityMenu(hls, select) {
  const Hls = window.Hls;
  const wrap = select.closest('.quality') ?? select;

  // Highest first, as the master playlist lists them; values are hls.js level indexes.
  function render() {
    const levels = hls.levels ?? [];
    wrap.hidden = levels.length < 2;
    if (levels.length < 2) return;
    const chosen = hls.autoLevelEnabled ? AUTO : String(hls.nextLevel >= 0 ? hls.nextLevel : hls.currentLevel);
    const playing = levels[hls.currentLevel];
    const options = [[AUTO, playing ? t('quality.autoNow', levelName(playing)) : t('quality.auto')]];
    levels
      .map((level, index) => [index, level])
      .sort(([, a], [, b]) => (b.height - a.height) || (b.bitrate - a.bitrate))
      .forEach(([index, level]) => options.push([String(index), levelName(level)]));
    select.replaceChildren(...options.map(([value, label]) => new Option(label, value, false, value === chosen)));
  }

  select.addEventListener('change', () => {
    // nextLevel switches at the next fragment without flushing what is buffered (no stall);
    // -1 hands the choice back to hls.js's bandwidth estimate.
    hls.nextLevel = select.value === AUTO ? -1 : Number(select.value);
    render();
  });
  hls.on(Hls.Events.MANIFEST_PARSED, render);
  hls.on(Hls.Events.LEVEL_SWITCHED, render);  // keeps "Auto (720p)" telling what plays now
  onLangChange(render);
  render();
}
