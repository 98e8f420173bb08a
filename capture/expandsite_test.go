package capture

import (
	"encoding/json"
	"fmt"
	"html"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
)

// expandSite serves pages built as the sites' own comment areas are, to exercise expansion:
//
//   - /cbox: a Naver-style cbox list (div.u_cbox_wrap > ul.u_cbox_list > li.u_cbox_comment >
//     div.u_cbox_comment_box > div.u_cbox_area with span.u_cbox_contents, a.u_cbox_btn_reply
//     [data-action=reply#toggle] holding strong.u_cbox_reply_txt "답글" and
//     span.u_cbox_reply_cnt, a.u_cbox_btn_recomm [data-action=vote], then a hidden
//     div.u_cbox_reply_area; below it div.u_cbox_paginate > a.u_cbox_btn_more
//     [data-action=page#more] > ... span.u_cbox_page_more "더보기"), as captured from
//     WEBTOON's and Naver News's markup. 100 comments, 20 at a time from GET
//     /api/comments?page=N; 5 threads of 3 replies from GET /api/replies?parent=ID; clicks
//     handled by one delegated listener on data-action, as cbox does.
//   - /board: a DC Inside-style post (div#comment_wrap.comment_wrap > div.comment_box >
//     ul.cmt_list > li#comment_li_N ... p.usertxt; div.bottom_paging_box > div.cmt_paging
//     with <em>1</em> and <a href="javascript:viewComments(2,'D')">2</a>): 3 comment pages of
//     10, each loaded by POST /comments (page=N) and replacing the list and the pager. Below
//     it the board's own article-list pagination (real links), which is not comment paging.
//   - /board-nav: the same with comment page links that load another document (?cpage=2),
//     each page's pager listing only its neighbours; and its hostile variants (navPage).
//   - /endless: a "더보기" that always brings 20 more.
//   - /framed: "더보기" inside a same-origin iframe and inside a cross-origin one (other.test,
//     served by the second server).
//
// Every page carries the traps (trapsHTML): controls that must never be clicked. Each records
// a click on the server (/hit/NAME), through a capturing listener that runs before anything
// else, and the real endpoints (/logout, /login, /other-page, /hit/submit...) count too.
type expandSite struct {
	srv, other *httptest.Server
	mu         sync.Mutex
	hits       map[string]*atomic.Int32
}

var (
	expandOnce sync.Once
	expandSrv  *expandSite
)

// navPaths are the variants of the board whose comment pages are other documents.
var navPaths = []string{"/board-nav", "/board-nav-wall", "/board-nav-foreign", "/board-nav-mixed", "/board-nav-jsnav", "/board-nav-other", "/board-nav-someone", "/board-nav-liar"}

// theExpandSite starts the expansion site once for the test binary.
func theExpandSite() *expandSite {
	expandOnce.Do(func() { expandSrv = newExpandSite() })
	return expandSrv
}

func (s *expandSite) hit(name string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	c, ok := s.hits[name]
	if !ok {
		c = new(atomic.Int32)
		s.hits[name] = c
	}
	c.Add(1)
}

// count is how many times endpoint name was hit.
func (s *expandSite) count(name string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	if c, ok := s.hits[name]; ok {
		return int(c.Load())
	}
	return 0
}

// port returns the port of server srv, with its colon.
func port(srv *httptest.Server) string { return srv.URL[strings.LastIndex(srv.URL, ":"):] }

// trap is one control that must not be clicked: the name its click reports (/hit/NAME), the
// page's own endpoint it would reach ("" when none), the refusal reason expected, its markup.
type trap struct {
	name, endpoint, reason, markup string
}

// traps are the controls every page carries that look like expansion but must not be
// clicked. None has an id or a class naming what it does, so that each is refused for the
// reason under test.
var traps = []trap{
	{"vote", "", "forbidden_word:추천", `<a href="#" class="btn_more" data-trap="vote">추천 12</a>`},
	{"report", "", "forbidden_word:신고", `<button type="button" class="more" data-trap="report">신고</button>`},
	{"delete", "", "forbidden_word:삭제", `<a href="javascript:;" class="btn_more" data-trap="delete">삭제</a>`},
	{"like", "", "forbidden_word:좋아요", `<button type="button" data-trap="like">좋아요 더보기</button>`},
	{"share", "", "forbidden_word:공유", `<button type="button" class="btn_more" data-trap="share">공유 더보기</button>`},
	{"submitbtn", "submit", "form_submit", `<form action="/hit/submit" method="post"><input type="hidden" name="x" value="1"><button class="btn_more" data-trap="submitbtn">더보기 등록</button></form>`},
	{"logoutlink", "logout", "forbidden_word:로그아웃", `<a href="/logout" class="more" data-trap="logoutlink">로그아웃</a>`},
	{"loginlink", "login", "forbidden_word:로그인", `<a href="/login" class="btn_more" data-trap="loginlink">로그인</a>`},
	{"write", "", "forbidden_word:댓글쓰기", `<button type="button" class="more" data-trap="write" onclick="openBox()">댓글쓰기</button>`},
	{"otherlink", "other-page", "navigates_away", `<a href="/other-page" data-trap="otherlink">더보기</a>`},
	{"blank", "blank-page", "new_window", `<a href="/blank-page" target="_blank" class="more" data-trap="blank">more</a>`},
	{"file", "", "download", `<a href="#files" download class="more" data-trap="file">더보기</a>`},
	{"reply-write", "", "forbidden_word:reply", `<button type="button" class="reply_toggle" data-trap="reply-write">Reply</button>`},
	{"signin", "", "forbidden_word:log in", `<button type="button" data-trap="signin">Log in to see more</button>`},
}

// trapsHTML is the block of traps, with the listener that reports a click on any of them.
func trapsHTML() string {
	var b strings.Builder
	b.WriteString(`<div class="post_tools">`)
	for _, t := range traps {
		b.WriteString(t.markup)
		b.WriteString("\n")
	}
	b.WriteString(`<div id="writebox"></div></div>
<script>
window.addEventListener('click', e => {
  const t = e.target && e.target.closest && e.target.closest('[data-trap]');
  if (t) fetch('/hit/' + t.dataset.trap, {keepalive: true});
}, true);
function openBox() { document.getElementById('writebox').innerHTML = '<textarea></textarea><button>등록</button>'; }
</script>`)
	return b.String()
}

// cboxComment is one comment of the cbox page's JSON.
type cboxComment struct {
	ID      string `json:"commentNo"`
	Nick    string `json:"userName"`
	Text    string `json:"contents"`
	Date    string `json:"regTime"`
	Replies int    `json:"replyCount"`
	Like    int    `json:"sympathyCount"`
}

// cboxThreads are the comments (by number) that have 3 replies.
var cboxThreads = map[int]bool{3: true, 7: true, 25: true, 48: true, 90: true}

func cboxCommentText(i int) string {
	return fmt.Sprintf("[c%03d] 후보자 관련 게시글에 대한 의견입니다", i)
}
func cboxReplyText(i, j int) string {
	return fmt.Sprintf("[r%03d-%d] 위 댓글에 대한 반론입니다", i, j)
}
func boardCommentText(p, i int) string {
	return fmt.Sprintf("[p%d-%02d] 게시판 댓글 내용", p, i)
}

const cboxStyle = `<style>
.u_vc{position:absolute;clip:rect(0 0 0 0);width:1px;height:1px;overflow:hidden}
.u_cbox_comment{border-bottom:1px solid #eee;padding:8px;list-style:none}
.u_cbox_reply_area{margin-left:30px;background:#f6f6f6}
.u_cbox_btn_more{display:block;text-align:center;padding:10px;border:1px solid #ccc}
</style>`

// cboxScript renders comments as cbox does: from JSON, into li.u_cbox_comment, with one
// delegated click listener that dispatches on data-action.
const cboxScript = `<script>
const list = document.querySelector('.u_cbox_list');
let page = 0;
const esc = s => String(s).replace(/[&<>"]/g, c => ({'&':'&amp;','<':'&lt;','>':'&gt;','"':'&quot;'}[c]));
function li(c, reply) {
  const el = document.createElement('li');
  el.className = 'u_cbox_comment cbox_module__comment_' + c.commentNo + (reply ? ' u_cbox_type_reply' : '');
  el.setAttribute('data-info', "commentNo:'" + c.commentNo + "',deleted:false,replyLevel:" + (reply ? 2 : 1));
  el.innerHTML = '<div class="u_cbox_comment_box"><div class="u_cbox_area">' +
    '<div class="u_cbox_info"><span class="u_cbox_info_main"><span class="u_cbox_name"><span class="u_cbox_name_area"><span class="u_cbox_nick_area"><span class="u_cbox_nick">' + esc(c.userName) + '</span></span></span></span></span></div>' +
    '<div class="u_cbox_text_wrap"><span class="u_cbox_contents">' + esc(c.contents) + '</span></div>' +
    '<div class="u_cbox_info_base"><span class="u_cbox_date" data-value="' + esc(c.regTime) + '">' + esc(c.regTime) + '</span>' +
    '<span class="u_cbox_work_main"><a href="#" class="u_cbox_btn_report" data-action="report#request"><span class="u_cbox_in_report">신고</span></a></span></div>' +
    (reply ? '' : '<div class="u_cbox_tool"><a href="#" role="button" aria-expanded="false" class="u_cbox_btn_reply" data-action="reply#toggle" data-param="' + c.commentNo + '"><strong class="u_cbox_reply_txt">답글</strong><span class="u_cbox_reply_cnt' + (c.replyCount ? '' : ' u_vc') + '">' + c.replyCount + '</span></a>' +
    '<div class="u_cbox_recomm_set"><strong class="u_vc">공감/비공감</strong><a href="#" data-action="vote" class="u_cbox_btn_recomm"><span class="u_cbox_ico_recomm">공감</span><em class="u_cbox_cnt_recomm">' + c.sympathyCount + '</em></a>' +
    '<a href="#" data-action="vote" class="u_cbox_btn_unrecomm"><span class="u_cbox_ico_unrecomm">비공감</span><em class="u_cbox_cnt_unrecomm">0</em></a></div></div>') +
    '</div></div>' + (reply ? '' : '<div class="u_cbox_reply_area" style="display:none;"></div>');
  return el;
}
async function more() {
  page++;
  const r = await fetch('/api/comments?page=' + page);
  const d = await r.json();
  for (const c of d.comments) list.appendChild(li(c, false));
  if (!d.more) document.querySelector('.u_cbox_paginate').style.display = 'none';
}
async function replies(btn) {
  const item = btn.closest('li.u_cbox_comment');
  const area = item.querySelector('.u_cbox_reply_area');
  const open = btn.getAttribute('aria-expanded') === 'true';
  btn.setAttribute('aria-expanded', open ? 'false' : 'true');
  if (open) { area.style.display = 'none'; return; }
  const r = await fetch('/api/replies?parent=' + btn.dataset.param);
  const d = await r.json();
  const ul = document.createElement('ul');
  ul.className = 'u_cbox_list';
  for (const c of d.comments) ul.appendChild(li(c, true));
  area.innerHTML = '';
  area.appendChild(ul);
  area.style.display = 'block';
}
document.getElementById('cbox_module').addEventListener('click', e => {
  const a = e.target.closest('[data-action]');
  if (!a) return;
  e.preventDefault();
  const act = a.dataset.action;
  if (act === 'page#more') more();
  else if (act === 'reply#toggle') replies(a);
  else if (act === 'vote') fetch('/hit/vote-cbox', {method: 'POST'});
  else if (act === 'report#request') fetch('/hit/report-cbox', {method: 'POST'});
  else if (act === 'write#request') fetch('/hit/write-cbox', {method: 'POST'});
});
more();
</script>`

func newExpandSite() *expandSite {
	s := &expandSite{hits: map[string]*atomic.Int32{}}
	mux := http.NewServeMux()
	page := func(w http.ResponseWriter, body string) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprint(w, body)
	}
	jsonOut := func(w http.ResponseWriter, v any) {
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
		json.NewEncoder(w).Encode(v)
	}
	for _, p := range []string{"/logout", "/login", "/other-page", "/blank-page"} {
		mux.HandleFunc(p, func(w http.ResponseWriter, r *http.Request) {
			s.hit(strings.TrimPrefix(p, "/"))
			page(w, `<!doctype html><title>elsewhere</title><p>elsewhere</p>`)
		})
	}
	mux.HandleFunc("/hit/", func(w http.ResponseWriter, r *http.Request) {
		s.hit(strings.TrimPrefix(r.URL.Path, "/hit/"))
		w.WriteHeader(http.StatusNoContent)
	})

	mux.HandleFunc("/cbox", func(w http.ResponseWriter, r *http.Request) {
		page(w, `<!doctype html><html lang="ko"><head><title>기사 | 네이버 뉴스</title>`+cboxStyle+`</head><body>
<div id="ct"><h2 class="media_end_head_headline">선거 관련 허위사실 유포 기사</h2><div id="dic_area">기사 본문입니다.</div>
`+trapsHTML()+`
<div id="cbox_module" class="u_cbox"><div class="u_cbox_wrap u_cbox_ko">
<div class="u_cbox_head"><h5 class="u_cbox_title">댓글</h5><span class="u_cbox_count">100</span></div>
<div class="u_cbox_write_wrap"><div class="u_cbox_write_box"><form><fieldset><legend class="u_vc">댓글 입력</legend>
<textarea class="u_cbox_text" id="cbox_module__write_textarea"></textarea>
<button type="button" class="u_cbox_btn_upload" data-action="write#request"><span class="u_cbox_txt_upload">등록</span></button></fieldset></form></div></div>
<div class="u_cbox_content_wrap"><ul class="u_cbox_list"></ul></div>
<div class="u_cbox_paginate"><a href="#" class="u_cbox_btn_more" data-action="page#more"><span class="u_cbox_more_wrap"><span class="u_cbox_box_more"><span class="u_cbox_page_more">더보기</span><span class="u_cbox_ico_more"></span></span></span></a></div>
</div></div></div>`+cboxScript+`</body></html>`)
	})
	mux.HandleFunc("/api/comments", func(w http.ResponseWriter, r *http.Request) {
		s.hit("api-comments")
		p, _ := strconv.Atoi(r.URL.Query().Get("page"))
		p = max(p, 1)
		var out []cboxComment
		for i := (p-1)*20 + 1; i <= p*20 && i <= 100; i++ {
			n := 0
			if cboxThreads[i] {
				n = 3
			}
			out = append(out, cboxComment{ID: strconv.Itoa(1000 + i), Nick: fmt.Sprintf("user%03d****", i), Text: cboxCommentText(i),
				Date: "2026-03-05T14:22:00+0900", Replies: n, Like: i % 7})
		}
		jsonOut(w, map[string]any{"comments": out, "more": p*20 < 100})
	})
	mux.HandleFunc("/api/replies", func(w http.ResponseWriter, r *http.Request) {
		s.hit("api-replies")
		id, _ := strconv.Atoi(r.URL.Query().Get("parent"))
		i := id - 1000
		var out []cboxComment
		if cboxThreads[i] {
			for j := 1; j <= 3; j++ {
				out = append(out, cboxComment{ID: fmt.Sprintf("%d%d", id, j), Nick: "re****", Text: cboxReplyText(i, j), Date: "2026-03-05T15:00:00+0900"})
			}
		}
		jsonOut(w, map[string]any{"comments": out})
	})

	boardList := func(p int) string {
		var b strings.Builder
		for i := 1; i <= 10; i++ {
			fmt.Fprintf(&b, `<li id="comment_li_%d" class="ub-content"><div class="cmt_info clear"><div class="cmt_nickbox"><span class="gall_writer ub-writer" data-nick="ㅇㅇ"><span class="nickname"><em>ㅇㅇ</em></span><span class="ip">(121.134)</span></span></div>
<div class="clear cmt_txtbox"><p class="usertxt ub-word">%s</p></div><div class="fr clear"><span class="date_time">03.05 14:%02d:10</span></div></div></li>`, p*100+i, html.EscapeString(boardCommentText(p, i)), i)
		}
		return b.String()
	}
	boardPager := func(p int) string {
		var b strings.Builder
		for i := 1; i <= 3; i++ {
			if i == p {
				fmt.Fprintf(&b, `<em>%d</em>`, i)
			} else {
				fmt.Fprintf(&b, `<a href="javascript:viewComments(%d,'D')">%d</a>`, i, i)
			}
		}
		return b.String()
	}
	// Comment page p's background colour, so that the screenshots differ beyond the text.
	bg := func(p int) string { return []string{"", "#ffffff", "#e8f0ff", "#fff0e0"}[p] }
	mux.HandleFunc("/board", func(w http.ResponseWriter, r *http.Request) {
		page(w, `<!doctype html><html lang="ko"><head><title>허위사실 게시물 - 자유 갤러리</title></head><body>
<div class="view_content_wrap"><h3 class="title"><span class="title_subject">허위사실 게시물</span></h3><div class="write_div">게시물 본문입니다.</div></div>
`+trapsHTML()+`
<div class="view_comment" id="focus_cmt"><div class="comment_wrap show" id="comment_wrap">
<div class="comment_count"><span>전체 댓글 <em id="comment_total">30</em>개</span></div>
<div class="comment_box" style="background:`+bg(1)+`"><ul class="cmt_list">`+boardList(1)+`</ul></div>
<div class="bottom_paging_box"><div class="cmt_paging">`+boardPager(1)+`</div></div>
</div></div>
<div class="bottom_paging_wrap"><div class="bottom_paging_box"><em>1</em><a href="/board?page=2">2</a><a href="/board?page=3">3</a><a href="/board?page=11" class="page_next">다음</a></div></div>
<script>
async function viewComments(p, kind) {
  const r = await fetch('/comments', {method: 'POST', headers: {'Content-Type': 'application/x-www-form-urlencoded'}, body: 'id=free&no=1&comment_page=' + p + '&sort=' + kind});
  const d = await r.json();
  const box = document.querySelector('#comment_wrap .comment_box');
  box.style.background = d.bg;
  box.innerHTML = '<ul class="cmt_list">' + d.list + '</ul>';
  document.querySelector('#comment_wrap .cmt_paging').innerHTML = d.pager;
}
</script></body></html>`)
	})
	mux.HandleFunc("/comments", func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost {
			http.Error(w, "POST only", http.StatusMethodNotAllowed)
			return
		}
		s.hit("comments-post")
		p, _ := strconv.Atoi(r.FormValue("comment_page"))
		if p < 1 || p > 3 {
			p = 1
		}
		jsonOut(w, map[string]string{"list": boardList(p), "pager": boardPager(p), "bg": bg(p)})
	})
	// Comment pages as other documents: page p's pager lists the pages next to it only
	// (p-1, p, p+1), so page 3 is known only from page 2's pager. The variants, by path:
	//   /board-nav          the pages as they should be;
	//   /board-nav-wall     page 3 is a login wall;
	//   /board-nav-foreign  every page link leads to another host (other.test);
	//   /board-nav-mixed    page 3's link (on page 2) leads to another host;
	//   /board-nav-jsnav    page 2 navigates itself to another post 100 ms after it loaded;
	//   /board-nav-other    the page links lead to another post (/board-nav-someone);
	//   /board-nav-liar     the server ignores cpage and gives page 1 again.
	navPage := func(w http.ResponseWriter, r *http.Request, path string) {
		p, _ := strconv.Atoi(r.URL.Query().Get("cpage"))
		if p < 1 || p > 3 || path == "/board-nav-liar" {
			p = 1
		}
		if r.URL.Query().Get("cpage") != "" {
			s.hit("nav-page" + path)
			if r.Referer() == "http://"+r.Host+path {
				s.hit("nav-referer" + path)
			}
		}
		if path == "/board-nav-wall" && p == 3 {
			page(w, `<!doctype html><html lang="ko"><head><title>로그인</title></head><body><div class="login">로그인이 필요합니다.</div></body></html>`)
			return
		}
		title, script := "게시물", ""
		if path == "/board-nav-someone" {
			title = "다른 사람의 게시물"
		}
		if path == "/board-nav-jsnav" && p == 2 {
			script = `<script>addEventListener("load", () => setTimeout(() => { location.href = "/board-nav-someone?cpage=2"; }, 100));</script>`
		}
		var pager strings.Builder
		for i := max(p-1, 1); i <= min(p+1, 3); i++ {
			link := path
			switch {
			case path == "/board-nav-foreign" || (path == "/board-nav-mixed" && i == 3):
				link = "http://other.test" + port(s.other) + path
			case path == "/board-nav-other":
				link = "/board-nav-someone"
			}
			if i == p {
				fmt.Fprintf(&pager, `<em>%d</em>`, i)
			} else {
				fmt.Fprintf(&pager, `<a href="%s?cpage=%d#comment_wrap">%d</a>`, link, i, i)
			}
		}
		list := boardList(p)
		if path == "/board-nav-someone" {
			list = `<li class="ub-content"><p class="usertxt">[THEIRS] 다른 게시물의 댓글</p></li><li class="ub-content"><p class="usertxt">[THEIRS] 둘째 댓글</p></li>`
		}
		page(w, `<!doctype html><html lang="ko"><head><title>`+title+`</title></head><body><div class="write_div">본문</div>
<div id="comment_wrap" class="comment_wrap"><div class="comment_box" style="background:`+bg(p)+`"><ul class="cmt_list">`+list+`</ul></div>
<div class="cmt_paging">`+pager.String()+`</div></div>`+script+`</body></html>`)
	}
	for _, path := range navPaths {
		mux.HandleFunc(path, func(w http.ResponseWriter, r *http.Request) { navPage(w, r, path) })
	}

	// /navaway: a "댓글 더보기" button whose script sends the page elsewhere, as a hostile or
	// broken page may; the navigation comes once the page is frozen.
	mux.HandleFunc("/navaway", func(w http.ResponseWriter, r *http.Request) {
		page(w, `<!doctype html><html lang="ko"><head><title>떠나는 게시물</title></head><body><div class="write_div">원래 본문입니다</div>
<div class="comment_area"><ul><li>첫 댓글</li></ul><button type="button" class="btn_more" id="m">댓글 더보기</button></div>
<script>document.getElementById("m").addEventListener("click", () => { location.href = "/other-page"; });</script></body></html>`)
	})

	mux.HandleFunc("/endless", func(w http.ResponseWriter, r *http.Request) {
		page(w, `<!doctype html><html lang="ko"><head><title>끝없는 댓글</title></head><body><div class="comment_area"><ul id="l"></ul>
<button type="button" class="btn_more" id="m">댓글 더보기</button></div><script>
let n = 0;
async function more() {
  await fetch('/hit/endless-more');
  for (let i = 0; i < 20; i++) { const li = document.createElement('li'); li.style.height = '40px'; li.textContent = 'endless comment ' + (++n); document.getElementById('l').appendChild(li); }
}
document.getElementById('m').addEventListener('click', more);
more();
</script></body></html>`)
	})

	frameMore := func(w http.ResponseWriter, r *http.Request) {
		page(w, `<!doctype html><html lang="ko"><body><div class="comment_area"><ul id="l"><li>frame comment 1</li></ul>
<a href="javascript:void(0)" class="btn_more" id="m">+ 더보기</a></div><script>
document.getElementById('m').addEventListener('click', async () => {
  const r = await fetch('/frame-more.json');
  const d = await r.json();
  for (const t of d) { const li = document.createElement('li'); li.textContent = t; document.getElementById('l').appendChild(li); }
  document.getElementById('m').style.display = 'none';
});
</script></body></html>`)
	}
	frameMoreJSON := func(w http.ResponseWriter, r *http.Request) {
		s.hit("frame-more@" + strings.Split(r.Host, ":")[0])
		jsonOut(w, []string{"frame comment 2 revealed " + strings.Split(r.Host, ":")[0], "frame comment 3 revealed"})
	}
	mux.HandleFunc("/frame-more", frameMore)
	mux.HandleFunc("/frame-more.json", frameMoreJSON)
	s.srv = httptest.NewServer(mux)

	omux := http.NewServeMux()
	omux.HandleFunc("/frame-more", frameMore)
	omux.HandleFunc("/frame-more.json", frameMoreJSON)
	for _, p := range append([]string{"/board", "/comments", "/hit/"}, navPaths...) {
		omux.Handle(p, mux) // the board in a cross-origin frame, with its traps; the comment pages on another host
	}
	s.other = httptest.NewServer(omux)

	mux.HandleFunc("/framed", func(w http.ResponseWriter, r *http.Request) {
		page(w, `<!doctype html><html lang="ko"><head><title>프레임 댓글</title></head><body><p>기사 본문</p>
<iframe id="same" src="/frame-more" width="600" height="300"></iframe>
<iframe id="cross" src="http://other.test`+port(s.other)+`/frame-more" width="600" height="300"></iframe></body></html>`)
	})
	// A blog's outer page with the board in iframe#mainFrame (same origin) and again in a
	// cross-origin frame: each frame's comment pages are followed.
	mux.HandleFunc("/board-framed", func(w http.ResponseWriter, r *http.Request) {
		page(w, `<!doctype html><html lang="ko"><head><title>블로그</title><style>body{margin:0} iframe{display:block;border:0}</style></head><body>
<iframe id="mainFrame" name="mainFrame" src="/board" width="1000" height="1500"></iframe>
<iframe id="cafe_main" src="http://other.test`+port(s.other)+`/board" width="1000" height="1500"></iframe></body></html>`)
	})
	return s
}
