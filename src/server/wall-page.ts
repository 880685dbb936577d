import type { WallHeader, WallNote, WallSnapshot } from '../core/wall';
import { WALL_CHART_DAYS } from '../core/wall';
// The Unicode for values' emoji (stored as Slack short names); Teams cards use the same table.
import { emojiFor } from '../teams/cards/common';

/**
 * The Kudos Wall as HTML, rendered on the server: the page, one note, the header's figures and the chart (SVG).
 * Pure functions over the core's snapshot; everything a person wrote is escaped. The page's only script and
 * style are inline with the response's CSP nonce; it loads nothing from anywhere else.
 */

export interface WallPageInput {
  snapshot: WallSnapshot;
  nonce: string;
  now: Date;
}

export function escapeHtml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

/** "just now", "5 min ago", "3 h ago", "2 days ago": the page's script keeps these current. */
export function timeAgo(at: Date, now: Date): string {
  const s = Math.max(0, Math.round((now.getTime() - at.getTime()) / 1000));
  if (s < 60) return 'just now';
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min ago`;
  const h = Math.floor(m / 60);
  if (h < 24) return `${h} h ago`;
  const d = Math.floor(h / 24);
  return d === 1 ? 'yesterday' : `${d} days ago`;
}

function listJoin(items: string[]): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;
}

const TINTS = 5;

/** One note: giver → recipients, the message, value badges, how long ago. */
export function renderNote(n: WallNote, now: Date): string {
  const recipients = listJoin(n.recipients.map((r) => `<strong>${escapeHtml(r)}</strong>`));
  const message = n.message
    ? `<p class="msg">${escapeHtml(n.message)}</p>`
    : `<p class="msg quiet">Thanked with a reaction${n.reaction ? ` <span aria-hidden="true">${emojiFor(n.reaction)}</span>` : ''}</p>`;
  const values = n.values.length
    ? `<ul class="values" aria-label="Values">${n.values.map((v) => `<li class="badge"><span aria-hidden="true">${emojiFor(v.emoji)}</span> ${escapeHtml(v.label)}</li>`).join('')}</ul>`
    : '';
  return (
    `<li class="note tint${n.id % TINTS}" id="k-${n.id}" data-id="${n.id}"><article aria-label="${escapeHtml(`${n.giver} thanked ${listJoin(n.recipients)}`)}">` +
    `<p class="who"><strong>${escapeHtml(n.giver)}</strong> <span class="arrow" aria-hidden="true">→</span><span class="sr"> thanked </span> ${recipients}</p>` +
    message +
    values +
    `<p class="when"><time datetime="${n.createdAt.toISOString()}">${timeAgo(n.createdAt, now)}</time></p>` +
    `</article></li>`
  );
}

/** A sentence for screen readers announcing a new note (the live region). */
export function noteAnnouncement(n: WallNote): string {
  return `New kudos: ${n.giver} thanked ${listJoin(n.recipients)}${n.message ? `: ${n.message.slice(0, 140)}` : ''}`;
}

function formatDay(day: string): string {
  const d = new Date(`${day}T12:00:00Z`);
  return d.toLocaleDateString('en-US', { month: 'short', day: 'numeric', timeZone: 'UTC' });
}

/** Kudos per day as an SVG bar chart, described in words for screen readers (role="img", a title and a label). */
export function renderChart(days: WallHeader['days']): string {
  const width = 560;
  const height = 140;
  const top = 8;
  const base = 112;
  const max = Math.max(1, ...days.map((d) => d.count));
  const slot = width / Math.max(1, days.length);
  const barWidth = Math.max(2, slot - 4);
  const total = days.reduce((a, d) => a + d.count, 0);
  const busiest = days.reduce((best, d) => (d.count > best.count ? d : best), days[0] ?? { day: '', count: 0 });
  const today = days[days.length - 1];
  const description =
    `Kudos per day over the last ${days.length} days: ${total} in all` +
    (busiest && busiest.count ? `; the busiest day was ${formatDay(busiest.day)} with ${busiest.count}` : '') +
    (today ? `; ${today.count} today.` : '.');
  const bars = days
    .map((d, i) => {
      const h = d.count ? Math.max(3, Math.round(((base - top) * d.count) / max)) : 0;
      const x = (i * slot + (slot - barWidth) / 2).toFixed(1);
      const isToday = i === days.length - 1;
      return `<rect x="${x}" y="${base - h}" width="${barWidth.toFixed(1)}" height="${h}" rx="2" fill="${isToday ? '#b3261e' : '#1d5fa8'}"><title>${escapeHtml(formatDay(d.day))}: ${d.count}</title></rect>`;
    })
    .join('');
  const first = days[0];
  const labels =
    first && today
      ? `<text x="0" y="${height - 6}" font-size="13" fill="#3d434a">${escapeHtml(formatDay(first.day))}</text>` +
        `<text x="${width}" y="${height - 6}" font-size="13" fill="#3d434a" text-anchor="end">Today</text>`
      : '';
  return (
    `<svg class="chart" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${width} ${height}" role="img" aria-labelledby="chart-title" preserveAspectRatio="none">` +
    `<title id="chart-title">${escapeHtml(description)}</title>` +
    `<line x1="0" y1="${base + 0.5}" x2="${width}" y2="${base + 0.5}" stroke="#8a9199" stroke-width="1"/>` +
    bars +
    labels +
    `</svg>`
  );
}

/** The header's figures: this week's numbers (and the cross-team share with teams), the chart, the campaign's theme. */
export function renderHeaderFigures(h: WallHeader): string {
  const figure = (value: string | number, label: string, description?: string) =>
    `<li class="figure"${description ? ` aria-label="${escapeHtml(description)}"` : ''}><span class="value">${escapeHtml(String(value))}</span> <span class="label">${escapeHtml(label)}</span></li>`;
  const w = h.week;
  const campaign = h.campaign
    ? `<section class="campaign" aria-labelledby="campaign-title"><h2 id="campaign-title">${escapeHtml(h.campaign.name)}, day ${h.campaign.day}: ${escapeHtml(h.campaign.title)}</h2><p>${escapeHtml(h.campaign.prompt)}</p></section>`
    : '';
  return (
    `<section class="week" aria-labelledby="week-title"><h2 id="week-title">This week</h2><ul class="figures">` +
    figure(w.kudos, w.kudos === 1 ? 'kudos' : 'kudos') +
    figure(w.thanked, w.thanked === 1 ? 'person thanked' : 'people thanked') +
    figure(w.givers, w.givers === 1 ? 'person gave thanks' : 'people gave thanks') +
    (h.crossTeamShare === null
      ? ''
      : figure(`${Math.round(h.crossTeamShare * 100)}%`, 'crossed team lines', `${Math.round(h.crossTeamShare * 100)} percent of this week's thanks crossed team lines`)) +
    `</ul></section>` +
    `<section class="trend" aria-labelledby="trend-title"><h2 id="trend-title">Last ${WALL_CHART_DAYS} days</h2>${renderChart(h.days)}</section>` +
    campaign
  );
}

/** The whole page. */
export function renderWallPage(input: WallPageInput): string {
  const { snapshot, nonce, now } = input;
  const title = `Kudos Wall · ${snapshot.workspaceName}`;
  const notes = snapshot.notes.map((n) => renderNote(n, now)).join('');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<meta name="robots" content="noindex, nofollow">
<link rel="icon" href="data:,">
<title>${escapeHtml(title)}</title>
<style nonce="${nonce}">${STYLE}</style>
</head>
<body>
<a class="skip" href="#notes-title">Skip to the kudos</a>
<header class="top">
<div class="brand"><h1>Kudos Wall <span class="ws">${escapeHtml(snapshot.workspaceName)}</span></h1>
<p id="status" class="status" role="status" aria-live="polite"></p></div>
<div id="figures" class="header-figures">${renderHeaderFigures(snapshot.header)}</div>
</header>
<main>
<h2 id="notes-title" class="sr" tabindex="-1">Recent kudos</h2>
<p id="empty" class="empty"${snapshot.notes.length ? ' hidden' : ''}>No kudos here yet. Thank someone in a public channel and it shows up here.</p>
<ol id="notes" class="notes" aria-labelledby="notes-title">${notes}</ol>
<div id="announce" class="sr" aria-live="polite" aria-atomic="false"></div>
</main>
<footer class="foot"><p>Only kudos given in public channels appear here. Kudos shows no rankings.</p></footer>
<script nonce="${nonce}">${SCRIPT}</script>
</body>
</html>`;
}

/** The page for a link that has stopped working: the stream tells the open page, which shows this. */
export const ENDED_TEXT = 'This wall link no longer works. Ask a Kudos admin for a new one.';

const STYLE = `
*,*::before,*::after{box-sizing:border-box}
html{font-size:16px}
body{margin:0;font-family:system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif;background:#f4f1ea;color:#1f2328;line-height:1.4}
.sr{position:absolute;width:1px;height:1px;padding:0;margin:-1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap;border:0}
.skip{position:absolute;left:-9999px}.skip:focus{left:1rem;top:1rem;background:#fff;padding:.5rem 1rem;z-index:2;outline:3px solid #1d5fa8}
.top{display:grid;grid-template-columns:minmax(16rem,1fr) 3fr;gap:1.5rem;align-items:start;padding:1.5rem 2rem;background:#fff;border-bottom:4px solid #1d5fa8}
h1{margin:0;font-size:2.2rem;line-height:1.1}
h1 .ws{display:block;font-size:1.1rem;font-weight:500;color:#3d434a;margin-top:.35rem}
h2{margin:0 0 .5rem;font-size:1rem;text-transform:uppercase;letter-spacing:.06em;color:#3d434a}
.status{margin:.5rem 0 0;font-size:.95rem;color:#3d434a;min-height:1.3em}
.status.ended{color:#8c1d18;font-weight:700;font-size:1.1rem}
.header-figures{display:grid;grid-template-columns:auto minmax(14rem,1fr);gap:1.5rem}
.figures{list-style:none;margin:0;padding:0;display:flex;gap:1.5rem;flex-wrap:wrap}
.figure .value{display:block;font-size:2.6rem;font-weight:800;line-height:1;color:#0f3f73}
.figure .label{font-size:.95rem;color:#3d434a}
.chart{width:100%;height:7.5rem;display:block}
.campaign{grid-column:1/-1;background:#fff6d6;border-left:6px solid #b3261e;padding:.75rem 1rem;border-radius:.4rem}
.campaign h2{color:#8c1d18;text-transform:none;letter-spacing:0;font-size:1.15rem}
.campaign p{margin:0}
main{padding:1.5rem 2rem}
.empty{font-size:1.3rem;color:#3d434a}
.notes{list-style:none;margin:0;padding:0;display:grid;grid-template-columns:repeat(auto-fill,minmax(20rem,1fr));gap:1.25rem}
.note{border-radius:.5rem;padding:1rem 1.1rem;box-shadow:0 2px 6px rgba(0,0,0,.12);animation:pop .5s ease-out}
.note article{display:flex;flex-direction:column;gap:.5rem;height:100%}
.tint0{background:#fff3b0}.tint1{background:#d7f0dc}.tint2{background:#dbe9fb}.tint3{background:#fbe0e6}.tint4{background:#ece3fa}
.who{margin:0;font-size:1.15rem}
.arrow{color:#3d434a;padding:0 .15rem}
.msg{margin:0;font-size:1.2rem;overflow-wrap:anywhere;white-space:pre-line}
.msg.quiet{color:#3d434a;font-style:italic}
.values{list-style:none;margin:0;padding:0;display:flex;flex-wrap:wrap;gap:.4rem}
.badge{background:rgba(255,255,255,.75);border:1px solid rgba(0,0,0,.2);border-radius:999px;padding:.1rem .6rem;font-size:.95rem}
.when{margin:auto 0 0;font-size:.9rem;color:#3d434a}
.foot{padding:0 2rem 1.5rem;color:#3d434a;font-size:.9rem}
@keyframes pop{from{transform:scale(.96);opacity:.3}to{transform:none;opacity:1}}
@media (prefers-reduced-motion:reduce){.note{animation:none}}
@media (max-width:900px){.top{grid-template-columns:1fr;padding:1rem}.header-figures{grid-template-columns:1fr}main{padding:1rem}.foot{padding:0 1rem 1rem}h1{font-size:1.7rem}.figure .value{font-size:2rem}.notes{grid-template-columns:1fr}}
@media (min-width:1800px){html{font-size:18px}}
`;

// Kept small and dependency-free: the stream's events replace or add server-rendered fragments.
const SCRIPT = `
(function(){
  var notes=document.getElementById('notes'),figures=document.getElementById('figures'),statusEl=document.getElementById('status'),
      announce=document.getElementById('announce'),empty=document.getElementById('empty'),MAX=${30},ended=false;
  function ago(t){var s=Math.max(0,Math.round((Date.now()-t)/1000));if(s<60)return 'just now';var m=Math.floor(s/60);if(m<60)return m+' min ago';
    var h=Math.floor(m/60);if(h<24)return h+' h ago';var d=Math.floor(h/24);return d===1?'yesterday':d+' days ago';}
  function tick(){var ts=notes.querySelectorAll('time[datetime]');for(var i=0;i<ts.length;i++){ts[i].textContent=ago(Date.parse(ts[i].getAttribute('datetime')));}}
  function sync(){empty.hidden=notes.children.length>0;while(notes.children.length>MAX){notes.removeChild(notes.lastElementChild);}}
  function say(text){var p=document.createElement('p');p.textContent=text;announce.appendChild(p);while(announce.children.length>3){announce.removeChild(announce.firstElementChild);}}
  var es=new EventSource(location.pathname.replace(/\\/+$/,'')+'/events');
  es.addEventListener('open',function(){if(!ended){statusEl.textContent='';}});
  es.addEventListener('snapshot',function(e){var d=JSON.parse(e.data);notes.innerHTML=d.notes;figures.innerHTML=d.header;sync();tick();document.body.setAttribute('data-live','true');});
  es.addEventListener('add',function(e){var d=JSON.parse(e.data);for(var i=0;i<d.notes.length;i++){var n=d.notes[i];
    if(document.getElementById('k-'+n.id))continue;var t=document.createElement('template');t.innerHTML=n.html;
    notes.insertBefore(t.content.firstElementChild,notes.firstElementChild);say(n.text);}sync();tick();});
  es.addEventListener('remove',function(e){var d=JSON.parse(e.data);for(var i=0;i<d.ids.length;i++){var el=document.getElementById('k-'+d.ids[i]);if(el)el.parentNode.removeChild(el);}sync();});
  es.addEventListener('header',function(e){var d=JSON.parse(e.data);figures.innerHTML=d.html;});
  es.addEventListener('ended',function(e){ended=true;es.close();var d=JSON.parse(e.data);statusEl.textContent=d.text;statusEl.className='status ended';document.body.setAttribute('data-ended','true');});
  es.addEventListener('error',function(){if(!ended&&es.readyState!==2){statusEl.textContent='Reconnecting…';}
    else if(!ended){statusEl.textContent='This wall is not updating. Reload the page to try again.';}});
  setInterval(tick,30000);
})();
`;
