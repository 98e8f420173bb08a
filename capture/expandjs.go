package capture

import "encoding/json"

// The scripts of expansion and comment paging (expand.go). The file is not named expand_js.go:
// a _js suffix is a build constraint (GOOS=js) and would leave it out of every other build.

// expandLibJS installs, once per isolated world, the functions expansion and comment paging
// use (globalThis.__evx, seen only by the capture: the page's own scripts live in another
// world). It keeps, across evaluations in the same world, the controls already clicked (a
// WeakMap: the page's DOM is not marked), the controls already counted as refused (a WeakSet)
// and the candidates of the last scan. It returns nothing; the expressions below are appended
// to it.
//
// The rules (see expand.go for the Go side):
//   - a candidate is a visible control (a, button, [role=button], [onclick], summary, an
//     input button, or an element drawn with cursor:pointer) whose label (innerText, value,
//     aria-label or title; whitespace collapsed; at most 40 characters) matches the expansion
//     vocabulary, or that carries one of the known expansion classes;
//   - numbers alone ("2") are comment pages, left to commentPages; controls already open
//     (aria-expanded="true") are left alone;
//   - refused, counted once per control by reason, in this order: a submit button of a form
//     ("form_submit"), a forbidden word in the label, aria-label or title, or a forbidden
//     token in its class, id, name, data-action or onclick ("forbidden_word:<word>"), a
//     download link ("download"), a link to another window ("new_window"), a link that loads
//     another document ("navigates_away": anything but "#...", "javascript:void(0)",
//     "javascript:;"), a reply count of zero ("no_replies": it opens only a writing box);
//   - toggles (replies, 펼치기, aria-expanded) are clicked once; "more" controls again while
//     each click revealed something.
//
// Every function is defensive: a control that throws is skipped, scans are capped.
const expandLibJS = `(() => {
if (globalThis.__evx) return;
const S = globalThis.__evx = {clicks: new WeakMap(), refusedSeen: new WeakSet(), cands: [], last: null, siteSel: "", siteRefuse: ""};
const norm = s => String(s == null ? "" : s).replace(/\s+/g, " ").trim();
const VOCAB = [
  /더\s?보기/, /이전\s?댓글/, /^답글\s*\(?\d[\d,]*\)?\s*개?$/, /답글\s*\d[\d,]*\s*개/, /답글\s*(모두\s*)?보기/,
  /펼치기|펼쳐\s?보기/, /전체\s?댓글/, /댓글\s*(모두|전체)\s*보기/, /^\+\s*\d[\d,]*\s*개?$/,
  /\b(show|see|load|view|read)\s+(\d[\d,]*\s+)?more\b/i,
  /\b(show|see|load|view)\s+(all\s+)?(\d[\d,]*\s+)?(more\s+)?(previous\s+|older\s+|earlier\s+|hidden\s+)?(comments?|repl(y|ies)|answers?)\b/i,
  /^(\+\s*)?(\d[\d,]*\s+)?more(\s+(comments?|repl(y|ies)))?(\s*\(\d[\d,]*\))?$/i,
  /^\(?\d[\d,]*\)?\s+(more\s+)?repl(y|ies)$/i,
  /^repl(y|ies)\s*\(?\d[\d,]*\)?$/i,
  /^expand(\s+all)?$/i, /\bexpand\s+(comments?|repl(y|ies)|thread)\b/i
];
const KO_FORBIDDEN = ["비추천", "추천", "비공감", "공감", "좋아요", "싫어요", "신고", "삭제", "수정", "공유",
  "로그아웃", "로그인", "답글쓰기", "댓글쓰기", "글쓰기", "쓰기", "달기", "등록", "작성", "구독", "차단", "스크랩", "보내기"];
const EN_FORBIDDEN = [["dislike", /\bdislike\b/i], ["like", /\blike\b/i], ["vote", /\b(up|down)?vote\b/i],
  ["report", /\breport\b/i], ["flag", /\bflag\b/i], ["delete", /\bdelete\b/i], ["edit", /\bedit\b/i],
  ["share", /\bshare\b/i], ["log in", /\blog\s?in\b/i], ["sign in", /\bsign\s?in\b/i],
  ["log out", /\blog\s?out\b/i], ["sign out", /\bsign\s?out\b/i], ["subscribe", /\bsubscribe\b/i],
  ["reply", /\breply\b/i], ["write", /\bwrite\b/i], ["post", /\bpost\b/i], ["submit", /\bsubmit\b/i],
  ["send", /\bsend\b/i], ["follow", /\bfollow\b/i], ["block", /\bblock\b/i]];
const TOKEN_FORBIDDEN = new Set(["vote", "upvote", "downvote", "recomm", "unrecomm", "recommend", "like", "dislike",
  "report", "singo", "flag", "delete", "del", "remove", "edit", "modify", "share", "sns", "login", "logout",
  "signin", "signout", "subscribe", "write", "submit", "send", "follow", "block", "scrap", "upload"]);
const KNOWN = new Set(["u_cbox_btn_more", "u_cbox_btn_reply", "btn_more", "more", "reply_toggle", "more_btn",
  "btn-more", "show-more", "load-more", "btn_reply_more", "comment_more", "cmt_more"]);
const VIEW_REPLIES = /(repl(y|ies)\s*\(?\d)|(\d[\d,]*\s+(more\s+)?repl(y|ies))|\b(view|show|see|load|hide|more)\b.*\brepl(y|ies)\b/i;
const CLICKSEL = 'a, button, [role="button"], [role="link"], [onclick], summary, input[type="button"], input[type="submit"], input[type="image"]';
const SEEDSEL = 'button, [role="button"], [onclick], [aria-label], summary, input[type="button"], input[type="submit"], ' +
  '[class*="more" i], [class*="reply" i], [class*="fold" i], [class*="expand" i], [class*="toggle" i]';
const PRE = /더|이전|답글|펼|전체|more|repl|expand|view|show|see|load|\+/i;
const MAXSCAN = 5000, MAXTEXT = 100000, MAXCANDS = 200;
const attr = (el, n) => { try { return el.getAttribute(n) || ""; } catch (e) { return ""; } };
const tokens = s => String(s || "").replace(/([a-z])([A-Z])/g, "$1 $2").toLowerCase().split(/[^a-z0-9]+/).filter(Boolean);
const classTokens = el => attr(el, "class").split(/\s+/).filter(Boolean);
S.norm = norm;
S.label = el => {
  let l = "";
  try { l = norm(el.innerText); } catch (e) {}
  if (!l && el.tagName === "INPUT") l = norm(el.value);
  if (!l) l = norm(attr(el, "aria-label"));
  if (!l) l = norm(attr(el, "title"));
  return l;
};
S.visible = el => {
  try {
    const r = el.getBoundingClientRect();
    if (!(r.width > 0 && r.height > 0)) return false;
    const st = getComputedStyle(el);
    return st.visibility !== "hidden" && st.display !== "none";
  } catch (e) { return false; }
};
S.clickable = el => {
  try { return el.matches(CLICKSEL); } catch (e) { return false; }
};
S.control = el => {
  for (let e = el, i = 0; e && e.nodeType === 1 && i < 5; e = e.parentElement, i++) {
    if (e === document.body || e === document.documentElement) break;
    if (S.clickable(e)) return e;
  }
  try { if (getComputedStyle(el).cursor === "pointer") return el; } catch (e) {}
  return null;
};
S.sameDocHref = h => {
  h = String(h || "").trim();
  if (h === "") return false;
  if (h[0] === "#") return true;
  if (/^javascript:\s*(void\s*\(?\s*0\s*\)?\s*;?|;)?\s*$/i.test(h)) return true;
  try {
    const u = new URL(h, document.baseURI), here = new URL(location.href);
    u.hash = ""; here.hash = "";
    return h.includes("#") && u.href === here.href;
  } catch (e) { return false; }
};
S.where = el => {
  const parts = [];
  for (let e = el, i = 0; e && e.nodeType === 1 && i < 4; e = e.parentElement, i++) {
    let p = e.tagName.toLowerCase();
    const id = attr(e, "id");
    if (id && /^[A-Za-z][\w-]{0,40}$/.test(id)) { parts.unshift(p + "#" + id); break; }
    const cl = classTokens(e).filter(c => /^[A-Za-z_][\w-]{0,40}$/.test(c)).slice(0, 2);
    if (cl.length) p += "." + cl.join(".");
    parts.unshift(p);
    if (e === document.body) break;
  }
  return parts.join(" > ").slice(0, 200);
};
const forbiddenIn = (text, allowReplies) => {
  if (!text) return "";
  for (const w of KO_FORBIDDEN) if (text.includes(w)) return w;
  for (const [w, re] of EN_FORBIDDEN) {
    if (w === "reply" && allowReplies) continue;
    if (re.test(text)) return w;
  }
  return "";
};
const forbiddenToken = el => {
  const src = [attr(el, "class"), attr(el, "id"), attr(el, "name"), attr(el, "data-action"), attr(el, "onclick")].join(" ");
  for (const t of tokens(src)) if (TOKEN_FORBIDDEN.has(t)) return t;
  return "";
};
const replyCount = l => {
  let m = l.match(/(?:답글|repl(?:y|ies))\D{0,3}?(\d[\d,]*)/i) || l.match(/(\d[\d,]*)\s*(?:more\s+)?repl/i);
  return m ? parseInt(m[1].replace(/,/g, ""), 10) : -1;
};
// judge says what to do with a control: {kind: "skip" | "refuse" | "click", reason, label, toggle}.
S.judge = el => {
  const skip = {kind: "skip"};
  try {
    if (!el || !el.isConnected || el.disabled) return skip;
    const tag = el.tagName;
    if (tag === "TEXTAREA" || el.isContentEditable || (tag === "INPUT" && !/^(button|submit|image)$/i.test(el.type))) return skip;
    if (!S.visible(el)) return skip;
    const label = S.label(el);
    if (label.length > 40) return skip;
    const aria = norm(attr(el, "aria-label")), title = norm(attr(el, "title"));
    let known = classTokens(el).some(c => KNOWN.has(c));
    if (!known && S.siteSel) { try { known = el.matches(S.siteSel); } catch (e) {} }
    if (S.siteRefuse) { try { if (el.matches(S.siteRefuse) || el.closest(S.siteRefuse)) return {kind: "refuse", reason: "site_rule", label}; } catch (e) {} }
    const vocab = [label, aria, title].some(t => t && VOCAB.some(re => re.test(t)));
    if (!vocab && !known) return skip;
    if (/^\d{1,4}$/.test(label)) return skip;
    if (attr(el, "aria-expanded") === "true") return skip;
    const refuse = reason => ({kind: "refuse", reason, label});
    const form = el.closest("form");
    if (form) {
      const type = (attr(el, "type") || "").toLowerCase();
      if ((tag === "BUTTON" && (type === "" || type === "submit")) || (tag === "INPUT" && (type === "submit" || type === "image"))) return refuse("form_submit");
    }
    const allowReplies = VIEW_REPLIES.test(label);
    const w = forbiddenIn(label, allowReplies) || forbiddenIn(aria, VIEW_REPLIES.test(aria)) || forbiddenIn(title, VIEW_REPLIES.test(title));
    if (w) return refuse("forbidden_word:" + w);
    const a = el.closest("a");
    const tok = forbiddenToken(el) || (a && a !== el ? forbiddenToken(a) : "");
    if (tok) return refuse("forbidden_word:" + tok);
    if (el.hasAttribute("download") || (a && a.hasAttribute("download"))) return refuse("download");
    if (a) {
      const t = attr(a, "target").toLowerCase();
      if (t && t !== "_self" && t !== "_parent" && t !== "_top") return refuse("new_window");
      if (a.hasAttribute("href") && !S.sameDocHref(attr(a, "href"))) return refuse("navigates_away");
    }
    const ft = attr(el, "formtarget");
    if (ft && ft !== "_self") return refuse("new_window");
    const isReply = /답글|repl/i.test(label);
    if (isReply && replyCount(label) === 0) return refuse("no_replies");
    const toggle = isReply || /펼|expand/i.test(label) || el.hasAttribute("aria-expanded") || classTokens(el).includes("u_cbox_btn_reply");
    const prev = S.clicks.get(el);
    if (prev && (toggle || prev.added <= 0)) return skip;
    return {kind: "click", label, toggle};
  } catch (e) { return skip; }
};
S.measure = () => {
  const b = document.body;
  const se = document.scrollingElement || document.documentElement;
  let chars = 0;
  try { chars = b ? String(b.innerText || "").length : 0; } catch (e) {}
  return {chars, items: document.querySelectorAll("li, article, tr").length,
    h: Math.max(se ? se.scrollHeight : 0, b ? b.scrollHeight : 0)};
};
S.scan = () => {
  const out = {cands: [], refused: {}, height: 0};
  const seeds = [];
  if (S.siteSel) {
    try { for (const el of document.querySelectorAll(S.siteSel)) if (seeds.length < MAXSCAN) seeds.push(el); } catch (e) {}
  }
  if (S.siteRefuse) {
    try { for (const el of document.querySelectorAll(S.siteRefuse)) if (seeds.length < MAXSCAN) seeds.push(el); } catch (e) {}
  }
  try {
    const list = document.querySelectorAll(SEEDSEL);
    for (let i = 0; i < list.length && i < MAXSCAN; i++) seeds.push(list[i]);
  } catch (e) {}
  try {
    if (document.body) {
      const tw = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
      for (let n = tw.nextNode(), i = 0; n && i < MAXTEXT && seeds.length < 2 * MAXSCAN; n = tw.nextNode(), i++) {
        const v = n.nodeValue;
        if (!v || v.length > 200) continue;
        const t = v.trim();
        if (t && t.length <= 40 && PRE.test(t) && n.parentElement) seeds.push(n.parentElement);
      }
    }
  } catch (e) {}
  const seen = new Set(), cands = [];
  for (const s of seeds) {
    let c = null;
    try { c = S.control(s); } catch (e) {}
    if (!c || seen.has(c)) continue;
    seen.add(c);
    const j = S.judge(c);
    if (j.kind === "refuse") {
      if (!S.refusedSeen.has(c)) {
        S.refusedSeen.add(c);
        out.refused[j.reason] = (out.refused[j.reason] || 0) + 1;
      }
    } else if (j.kind === "click") {
      cands.push({el: c, j});
    }
  }
  cands.sort((x, y) => (x.el.compareDocumentPosition(y.el) & Node.DOCUMENT_POSITION_FOLLOWING) ? -1 : 1);
  // A control inside another: click the inner one only.
  const kept = cands.filter(x => !cands.some(y => y !== x && x.el.contains(y.el))).slice(0, MAXCANDS);
  S.cands = kept.map(x => x.el);
  out.cands = kept.map((x, i) => ({i, label: x.j.label, where: S.where(x.el), toggle: !!x.j.toggle}));
  out.height = S.measure().h;
  return out;
};
// textHolder is the innermost element that holds the whole label: a click there bubbles up
// through every listener, on the holder and on the control alike.
S.textHolder = (el, label) => {
  let d = el;
  // A control without text (an icon button: its label is "") is clicked itself; an svg icon
  // has no click method.
  if (!label) return el;
  for (let i = 0; i < 6; i++) {
    const next = Array.from(d.children).filter(c => { try { return c instanceof HTMLElement && S.norm(c.innerText) === label; } catch (e) { return false; } });
    if (next.length !== 1) break;
    d = next[0];
  }
  return d;
};
S.click = i => {
  const el = S.cands[i];
  const j = S.judge(el);
  if (j.kind !== "click") return {ok: false, reason: j.reason || "gone"};
  const before = S.measure();
  const prev = S.clicks.get(el);
  S.clicks.set(el, {n: prev ? prev.n + 1 : 1, added: -1});
  S.last = el;
  S.lastBefore = before;
  try { S.textHolder(el, j.label).click(); } catch (e) { return {ok: false, reason: "click failed"}; }
  return {ok: true, before};
};
S.after = () => {
  const m = S.measure();
  const rec = S.last && S.clicks.get(S.last);
  if (rec && S.lastBefore) rec.added = m.chars - S.lastBefore.chars;
  return m;
};

// Comment pages: numbered page controls inside a comment area.
const COMMENTRE = /comment|cmt|reply|replies|댓글|cbox|coment|talk|(^|[\s_-])vc([\s_-]|$)/i;
const NEXTRE = /^(다음|다음\s?페이지|next|next\s+page|›|>|▶)$/i;
const inComment = el => {
  for (let e = el, i = 0; e && e !== document.body && i < 12; e = e.parentElement, i++) {
    if (COMMENTRE.test(attr(e, "id") + " " + attr(e, "class"))) return true;
  }
  return false;
};
const pageNav = el => {
  const a = el.closest("a");
  if (!a || !a.hasAttribute("href")) return false;
  const h = attr(a, "href").trim();
  if (S.sameDocHref(h) || /^javascript:/i.test(h)) return false;
  return !/return\s+false|preventDefault/.test(attr(a, "onclick"));
};
const curRE = /(^|[\s_-])(on|active|current|selected|now|sel)([\s_-]|$)/i;
S.findPager = () => {
  const groups = new Map();
  let n = 0;
  const all = document.querySelectorAll('a, button, [role="button"], [onclick], em, strong, span, b');
  for (let i = 0; i < all.length && n < 4 * MAXSCAN; i++) {
    const el = all[i];
    if (el.children.length > 1) continue;
    let t = "";
    try { t = norm(el.textContent); } catch (e) {}
    if (!/^\d{1,4}$/.test(t)) continue;
    n++;
    const ctl = S.clickable(el) ? el : (el.parentElement && S.clickable(el.parentElement) && norm(el.parentElement.textContent) === t ? el.parentElement : null);
    let box = (ctl || el).parentElement;
    // A wrapper of the number alone, or of the number and a short label without digits
    // (Naver's cbox: strong.u_cbox_page holding "1" and "현재 페이지"), is part of the control.
    if (box && /^(LI|SPAN|STRONG|EM|B)$/.test(box.tagName)) {
      const w = norm(box.textContent);
      if (w === t || (w.startsWith(t) && w.length <= t.length + 12 && !/\d/.test(w.slice(t.length)))) box = box.parentElement;
    }
    if (!box) continue;
    let g = groups.get(box);
    if (!g) groups.set(box, g = {box, pages: [], current: 0});
    if (ctl && !(curRE.test(attr(ctl, "class")) || ctl.hasAttribute("aria-current"))) {
      if (!g.pages.some(p => p.el === ctl)) g.pages.push({n: parseInt(t, 10), el: ctl, nav: pageNav(ctl)});
    } else if (!g.current) {
      g.current = parseInt(t, 10);
    }
  }
  for (const g of groups.values()) {
    if (!g.pages.length || (g.pages.length < 2 && !g.current)) continue;
    // A pager has at least two page numbers: a count beside a vote button ("15" in a link
    // and in its label) is not a page.
    const nums = new Set(g.pages.map(x => x.n));
    if (g.current) nums.add(g.current);
    if (nums.size < 2) continue;
    if (!S.visible(g.box) || !inComment(g.box)) continue;
    let area = null, first = null;
    const boxLen = norm(g.box.innerText).length;
    for (let e = g.box, i = 0; e && e !== document.body && i < 12; e = e.parentElement, i++) {
      if (COMMENTRE.test(attr(e, "id") + " " + attr(e, "class"))) {
        if (!first) first = e;
        if (norm(e.innerText).length > boxLen + 20) { area = e; break; }
      }
    }
    area = area || first || g.box.parentElement;
    let next = null;
    for (const c of g.box.querySelectorAll(CLICKSEL)) {
      const l = S.label(c);
      if (NEXTRE.test(l) || (!l && /next/i.test(attr(c, "class")))) { next = c; break; }
    }
    return {found: true, box: g.box, area, pages: g.pages, current: g.current, next};
  }
  return {found: false};
};
S.pagerInfo = () => {
  const p = S.findPager();
  if (!p.found) return {found: false};
  return {found: true, current: p.current, where: S.where(p.area),
    pages: p.pages.map(x => ({n: x.n, nav: x.nav, href: x.nav ? String(x.el.closest("a").href || "").slice(0, 2000) : ""})),
    next: !!(p.next && !pageNav(p.next))};
};
S.areaState = () => {
  const p = S.findPager();
  const area = p.found ? p.area : null;
  if (!area) return {found: false};
  let text = "";
  try { text = String(area.innerText || ""); } catch (e) {}
  let h = 0;
  for (let i = 0; i < text.length; i++) h = (h * 31 + text.charCodeAt(i)) | 0;
  const r = area.getBoundingClientRect();
  return {found: true, sig: text.length + ":" + h, text: text.slice(0, 500000), current: p.current,
    x: r.left + scrollX, y: r.top + scrollY, w: r.width, h: r.height};
};
S.areaView = () => {
  const p = S.findPager();
  const area = p.found ? p.area : null;
  if (!area) return {found: false};
  try { area.scrollIntoView({block: "start", inline: "nearest"}); } catch (e) {}
  const r = area.getBoundingClientRect();
  const x0 = Math.max(r.left, 0), y0 = Math.max(r.top, 0);
  const x1 = Math.min(r.right, innerWidth), y1 = Math.min(r.bottom, innerHeight);
  return {found: true, x: x0, y: y0, w: Math.max(x1 - x0, 0), h: Math.max(y1 - y0, 0),
    cut: r.left < 0 || r.top < 0 || r.right > innerWidth || r.bottom > innerHeight, fullH: r.height};
};
S.pageClick = n => {
  const p = S.findPager();
  if (!p.found) return {ok: false};
  const hit = p.pages.find(x => x.n === n && !x.nav);
  if (hit) {
    try { S.textHolder(hit.el, S.label(hit.el)).click(); } catch (e) { return {ok: false}; }
    return {ok: true, label: S.label(hit.el)};
  }
  if (p.pages.some(x => x.n > n)) return {ok: false, skipped: true};
  if (p.next && !pageNav(p.next)) {
    try { p.next.click(); } catch (e) { return {ok: false}; }
    return {ok: true, viaNext: true, label: S.label(p.next) || "next"};
  }
  return {ok: false};
};
})();
`

// siteSelJS returns the script that names the site profile's own expansion controls and the
// controls it forbids (CSS selector lists; "" for none) for the scans that follow: the first
// are clicked as the known controls are, under the same refusals; the second are refused
// ("site_rule") whatever their label.
func siteSelJS(sel, refuse string) string {
	a, _ := json.Marshal(sel)
	b, _ := json.Marshal(refuse)
	return "globalThis.__evx.siteSel = " + string(a) + "; globalThis.__evx.siteRefuse = " + string(b) + ";"
}

// expandScanJS scans the document for expansion controls (see expandLibJS): it returns the
// candidates {i, label, where, toggle} in document order, the refusals first seen in this scan
// by reason, and the page height.
const expandScanJS = `globalThis.__evx.scan()`

// expandClickJSFormat clicks candidate %d of the last scan, after judging it again (the page
// may have changed since): {ok, reason, before: {chars, items, h}}.
const expandClickJSFormat = `globalThis.__evx.click(%d)`

// expandAfterJS measures the document after the last click and notes what that click added
// (a "more" control that added nothing is not clicked again): {chars, items, h}.
const expandAfterJS = `globalThis.__evx.after()`

// pagerInfoJS finds numbered comment pagination inside a comment area: {found, current,
// where, pages: [{n, nav}], next}. nav is true for a page link that loads another document.
const pagerInfoJS = `globalThis.__evx.pagerInfo()`

// pagerStateJS reads the comment area of the pagination: a signature of its text (to see
// that a page replaced it), its text (at most 500,000 characters), the current page number
// and its rectangle in document coordinates.
const pagerStateJS = `globalThis.__evx.areaState()`

// pagerViewJS scrolls the comment area into view and returns the part of it that its
// frame's window shows, in that window's coordinates: {found, x, y, w, h, cut, fullH}.
const pagerViewJS = `globalThis.__evx.areaView()`

// pagerClickJSFormat clicks the non-navigating control of comment page %d, or the "next"
// control when the page is not listed: {ok, label, viaNext, skipped}.
const pagerClickJSFormat = `globalThis.__evx.pageClick(%d)`
