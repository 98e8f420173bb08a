package capture

import (
	"encoding/base64"
	"encoding/json"
	"net"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"

	"evidentia/evidence"
)

// ytComment is one comment of the fixture as YouTube's continuation answers carry it
// (commentEntityPayload: properties.commentId, content.content, publishedTime; author.channelId,
// displayName; yt-dlp _extract_comment). A reply's ID is its parent's, a dot and its own.
type ytComment struct {
	ID, Handle, ChannelID, Text, Time, Likes string
	Replies                                  []ytComment
}

const ytVideo = "eLeCtIoN_26"

// ytThreads are the video's comments: two pages of top-level comments (the second loaded when
// the first page's end scrolls into view) and their replies (loaded by "답글 N개", the first
// thread's third reply by "답글 더보기").
var ytThreads = [][]ytComment{{
	{ID: "UgzKt0x2Nc3t1mSpHZF4AaABAg", Handle: "@truth_kr", ChannelID: "UCa1b2c3d4e5f6g7h8i9j0kL", Text: "개표기 조작 증거 영상 퍼뜨려주세요", Time: "3일 전", Likes: "1.2천", Replies: []ytComment{
		{ID: "UgzKt0x2Nc3t1mSpHZF4AaABAg.9xW3zU5MFWM9xWMPnnF0_Q", Handle: "@factcheck_citizen", ChannelID: "UCzz0011223344556677889a", Text: "선관위가 이미 허위라고 발표했습니다", Time: "2일 전"},
		{ID: "UgzKt0x2Nc3t1mSpHZF4AaABAg.9xW3zU5MFWM9xWN0aaB1_R", Handle: "@truth_kr", ChannelID: "UCa1b2c3d4e5f6g7h8i9j0kL", Text: "선관위 말을 믿냐 ㅋㅋ", Time: "2일 전(수정됨)"},
		{ID: "UgzKt0x2Nc3t1mSpHZF4AaABAg.9xW3zU5MFWM9xWQ7ccD2_S", Handle: "@observer77", ChannelID: "UCqq9988776655443322110b", Text: "출처 좀 알려주세요", Time: "1일 전"},
	}},
	{ID: "UgwV7vDDe5oMMAri2vV4AaABAg", Handle: "@hong_watch", ChannelID: "UCbb2233445566778899aabc", Text: "홍길동 후보 병역 기피했다던데 사실임?", Time: "1주 전", Likes: "87"},
	{ID: "UgyXq3K9p0Lm1Nn2Oo3Pp4AaABAg", Handle: "@daily_voter", ChannelID: "UCcc3344556677889900bbcd", Text: "이런 영상은 신고해야 합니다", Time: "5시간 전", Likes: "12", Replies: []ytComment{
		{ID: "UgyXq3K9p0Lm1Nn2Oo3Pp4AaABAg.9yA1bC2dE3f9yA1bC4gH5i", Handle: "@hong_watch", ChannelID: "UCbb2233445566778899aabc", Text: "신고는 자유지 근데 다 사실임", Time: "3시간 전"},
	}},
}, {
	{ID: "Ugz_eKAW4v617vBGVvZ4AaABAg", Handle: "@anon_12345", ChannelID: "UCdd4455667788990011cdef", Text: "사전투표함 바꿔치기 장면 2분 30초", Time: "2주 전", Likes: "431"},
	{ID: "UgzfwxvFjo6pKEyPo1R4AaABAg", Handle: "@news_kr_fan", ChannelID: "UCee5566778899001122defa", Text: "구독했습니다 계속 올려주세요", Time: "1개월 전", Likes: "3"},
}}

// ytAll returns every comment of the fixture, replies after their parent.
func ytAll() []ytComment {
	var out []ytComment
	for _, page := range ytThreads {
		for _, c := range page {
			out = append(out, c)
			out = append(out, c.Replies...)
		}
	}
	return out
}

// ytTraps counts the requests the like, share and subscribe buttons make (/youtubei/v1/like/,
// /share/, /subscription/): a capture must make none.
var ytTraps atomic.Int64

func init() {
	siteRoutes = append(siteRoutes, ytRoutes)
	fixtureHosts = append(fixtureHosts, "consent.youtube.com")
}

func ytToken(s string) string { return base64.RawURLEncoding.EncodeToString([]byte("\x12\x0d" + s)) }

// ytEntity is the commentEntityPayload mutation of c.
func ytEntity(c ytComment, level int) map[string]any {
	return map[string]any{"entityKey": "ek-" + c.ID, "type": "ENTITY_MUTATION_TYPE_REPLACE", "payload": map[string]any{
		"commentEntityPayload": map[string]any{"key": "ek-" + c.ID,
			"properties": map[string]any{"commentId": c.ID, "content": map[string]any{"content": c.Text}, "publishedTime": c.Time, "replyLevel": level},
			"author":     map[string]any{"channelId": c.ChannelID, "displayName": c.Handle, "isCreator": false, "isVerified": false},
			"toolbar":    map[string]any{"likeCountNotliked": c.Likes, "replyCount": len(c.Replies)}}}}
}

// ytNext answers POST /youtubei/v1/next for a continuation of the fixture's comments.
func ytNext(token string) (map[string]any, bool) {
	raw, err := base64.RawURLEncoding.DecodeString(token)
	if err != nil || len(raw) < 2 {
		return nil, false
	}
	key := string(raw[2:])
	var items, mutations []any
	var endpoint map[string]any
	switch {
	case key == "comments-1" || key == "comments-2":
		page := 0
		if key == "comments-2" {
			page = 1
		}
		if page == 0 {
			items = append(items, map[string]any{"commentsHeaderRenderer": map[string]any{
				"countText":     map[string]any{"runs": []any{map[string]any{"text": "댓글 "}, map[string]any{"text": "9"}, map[string]any{"text": "개"}}},
				"commentsCount": map[string]any{"simpleText": "9"}}})
		}
		for _, c := range ytThreads[page] {
			th := map[string]any{"commentViewModel": map[string]any{"commentViewModel": map[string]any{"commentKey": "ek-" + c.ID, "commentId": c.ID}}}
			if len(c.Replies) > 0 {
				th["replies"] = map[string]any{"commentRepliesRenderer": map[string]any{
					"targetId": "comment-replies-item-" + c.ID,
					"contents": []any{map[string]any{"continuationItemRenderer": map[string]any{"trigger": "CONTINUATION_TRIGGER_ON_ITEM_SHOWN",
						"continuationEndpoint": map[string]any{"continuationCommand": map[string]any{"token": ytToken("replies-" + c.ID + "-1"), "request": "CONTINUATION_REQUEST_TYPE_WATCH_NEXT"}}}}},
					"viewReplies": map[string]any{"buttonRenderer": map[string]any{"text": map[string]any{"runs": []any{map[string]any{"text": "답글 " + itoa(len(c.Replies)) + "개"}}}}},
				}}
			}
			items = append(items, map[string]any{"commentThreadRenderer": th})
			mutations = append(mutations, ytEntity(c, 0))
		}
		if page == 0 {
			items = append(items, map[string]any{"continuationItemRenderer": map[string]any{"trigger": "CONTINUATION_TRIGGER_ON_ITEM_SHOWN",
				"continuationEndpoint": map[string]any{"continuationCommand": map[string]any{"token": ytToken("comments-2"), "request": "CONTINUATION_REQUEST_TYPE_WATCH_NEXT"}}}})
			endpoint = map[string]any{"reloadContinuationItemsCommand": map[string]any{"targetId": "comments-section", "continuationItems": items, "slot": "RELOAD_CONTINUATION_SLOT_BODY"}}
		} else {
			endpoint = map[string]any{"appendContinuationItemsAction": map[string]any{"targetId": "comments-section", "continuationItems": items}}
		}
	case strings.HasPrefix(key, "replies-"):
		rest := strings.TrimPrefix(key, "replies-")
		i := strings.LastIndex(rest, "-")
		if i < 0 {
			return nil, false
		}
		id, part := rest[:i], rest[i+1:]
		var parent *ytComment
		for _, page := range ytThreads {
			for k := range page {
				if page[k].ID == id {
					parent = &page[k]
				}
			}
		}
		if parent == nil {
			return nil, false
		}
		// Two replies per answer, then "답글 더보기" for the rest (YouTube sends ten).
		from := 0
		if part == "2" {
			from = 2
		}
		to := min(from+2, len(parent.Replies))
		for _, r := range parent.Replies[from:to] {
			items = append(items, map[string]any{"commentViewModel": map[string]any{"commentKey": "ek-" + r.ID, "commentId": r.ID}})
			mutations = append(mutations, ytEntity(r, 1))
		}
		if to < len(parent.Replies) {
			items = append(items, map[string]any{"continuationItemRenderer": map[string]any{"button": map[string]any{"buttonRenderer": map[string]any{
				"text":    map[string]any{"runs": []any{map[string]any{"text": "답글 더보기"}}},
				"command": map[string]any{"continuationCommand": map[string]any{"token": ytToken("replies-" + id + "-2"), "request": "CONTINUATION_REQUEST_TYPE_WATCH_NEXT"}}}}}})
		}
		endpoint = map[string]any{"appendContinuationItemsAction": map[string]any{"targetId": "comment-replies-item-" + id, "continuationItems": items}}
	default:
		return nil, false
	}
	return map[string]any{
		"responseContext":             map[string]any{"visitorData": "CgtWaXNpdG9yRGF0YQ%3D%3D"},
		"onResponseReceivedEndpoints": []any{endpoint},
		"frameworkUpdates":            map[string]any{"entityBatchUpdate": map[string]any{"mutations": mutations}},
	}, true
}

func itoa(n int) string { b, _ := json.Marshal(n); return string(b) }

func ytRoutes(mux *http.ServeMux) {
	watch := siteFile("youtube/watch.html")
	changed := strings.NewReplacer("ytInitialPlayerResponse", "ytPlayerBootstrap", "ytd-watch-metadata", "yt-watch-metadata-v2",
		"ytd-comments", "yt-comments-v2").Replace(string(watch))
	mux.HandleFunc("www.youtube.com/watch", func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Query().Get("v") {
		case ytVideo:
			writeHTML(w, 200, watch)
		case "ChAnGeD_123": // the site changed its markup: the profile does not match
			writeHTML(w, 200, []byte(strings.ReplaceAll(changed, ytVideo, "ChAnGeD_123")))
		case "BoTcHeCk_01":
			writeHTML(w, 200, siteFile("youtube/botcheck.html"))
		case "DeLeTeD_001":
			writeHTML(w, 200, siteFile("youtube/deleted.html"))
		case "ReMoVeD_002":
			writeHTML(w, 200, siteFile("youtube/unavailable.html"))
		case "CoNsEnT_003": // a visitor from the EU without the SOCS cookie: YouTube sends it to consent first
			_, p, _ := net.SplitHostPort(r.Host)
			http.Redirect(w, r, "https://consent.youtube.com:"+p+"/m?continue="+
				"https%3A%2F%2Fwww.youtube.com%2Fwatch%3Fv%3DCoNsEnT_003%26cbrd%3D1&gl=NL&m=0&pc=yt&hl=ko&src=1", http.StatusFound)
		default:
			http.NotFound(w, r)
		}
	})
	mux.HandleFunc("consent.youtube.com/m", func(w http.ResponseWriter, r *http.Request) {
		writeHTML(w, 200, siteFile("youtube/consent.html"))
	})
	mux.HandleFunc("www.youtube.com/s/desktop/", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/javascript; charset=utf-8")
		w.Write(siteFile("youtube/desktop_polymer.js"))
	})
	mux.HandleFunc("POST www.youtube.com/youtubei/v1/next", func(w http.ResponseWriter, r *http.Request) {
		// As YouTube does: the page's own innertube context and a continuation token.
		var body struct {
			Context struct {
				Client struct {
					ClientName string `json:"clientName"`
				} `json:"client"`
			} `json:"context"`
			Continuation string `json:"continuation"`
		}
		if json.NewDecoder(r.Body).Decode(&body) != nil || body.Context.Client.ClientName != "WEB" {
			http.Error(w, "", http.StatusBadRequest)
			return
		}
		res, ok := ytNext(body.Continuation)
		if !ok {
			http.Error(w, "", http.StatusBadRequest)
			return
		}
		writeJSON(w, res)
	})
	for _, p := range []string{"POST www.youtube.com/youtubei/v1/like/", "POST www.youtube.com/youtubei/v1/share/", "POST www.youtube.com/youtubei/v1/subscription/"} {
		mux.HandleFunc(p, func(w http.ResponseWriter, r *http.Request) {
			ytTraps.Add(1)
			writeJSON(w, map[string]any{})
		})
	}
}

func TestYouTubeVideo(t *testing.T) {
	traps := ytTraps.Load()
	res, files := captureURL(t, siteURL("www.youtube.com", "/watch?v="+ytVideo))
	keepSiteCapture(t, "youtube", files)
	p := sitePosting(t, files)
	site := res.Facts.Method.Site
	if site == nil || site.Profile != "youtube" || !site.Matched {
		t.Fatalf("method site: %+v", site)
	}
	if p.Platform != "youtube" || p.PostID != ytVideo || p.Title != "[단독] 사전투표 조작 현장 포착" {
		t.Errorf("post: platform %q id %q title %q", p.Platform, p.PostID, p.Title)
	}
	if a := p.Author; a.Nickname != "진실탐사TV" || a.AccountID != "UCx9YzQwErTyUiOpAsDfGhJk" || a.ProfileURL != "https://www.youtube.com/@truth_tv_kr" {
		t.Errorf("author: %+v", a)
	}
	if p.Posted == nil || p.Posted.UTC != "2026-05-25T13:00:07Z" || p.Posted.Relative || !strings.Contains(p.Posted.Source, "microformat.uploadDate") {
		t.Errorf("posted: %+v", p.Posted)
	}
	if c := p.Counts; c.Views == nil || c.Views.Value != 184328 || c.Likes == nil || c.Likes.Value != 7034 || c.Comments == nil || c.Comments.Value != 9 {
		t.Errorf("counts: %+v %+v %+v", c.Views, c.Likes, c.Comments)
	}
	want := ytAll()
	if len(p.Comments) != len(want) {
		t.Errorf("%d comments, want %d", len(p.Comments), len(want))
	}
	byID := commentByID(p)
	for _, page := range ytThreads {
		for _, top := range page {
			check := func(w ytComment, parent string) {
				c, ok := byID[w.ID]
				if !ok {
					t.Errorf("comment %s missing", w.ID)
					return
				}
				if c.IDAssigned || c.ParentID != parent || c.Text != w.Text || c.Author.Nickname != w.Handle || c.Author.AccountID != w.Handle ||
					c.Author.ProfileURL != "https://www.youtube.com/"+w.Handle || c.Deleted || c.Hidden {
					t.Errorf("comment %s: %+v, want parent %q", w.ID, c, parent)
				}
				// YouTube gives comments a relative time only: recorded as the text, resolved as an estimate.
				if c.Time == nil || c.Time.Text != w.Time || !c.Time.Relative || c.Time.KST == "" {
					t.Errorf("comment %s time: %+v, want %q relative", w.ID, c.Time, w.Time)
				}
			}
			check(top, "")
			for _, r := range top.Replies {
				check(r, top.ID)
			}
		}
	}
	exp := res.Facts.Method.Expansion
	var labels []string
	for _, c := range exp.Clicks {
		labels = append(labels, c.Label)
	}
	all := strings.Join(labels, "|")
	for _, l := range []string{"...더보기", "답글 3개", "답글 1개", "답글 더보기"} {
		if !strings.Contains(all, l) {
			t.Errorf("expansion clicks %q lack %q", labels, l)
		}
	}
	if !strings.Contains(string(files["text.txt"]), "제보 영상 원본은 아래 링크") {
		t.Errorf("the description was not expanded")
	}
	if n := ytTraps.Load() - traps; n != 0 {
		t.Errorf("the like, share or subscribe button was clicked %d times", n)
	}
	// Everything of the page is there; the video itself is a stream only yt-dlp can collect,
	// and yt-dlp is off for the tests' engine: the verdict says so and nothing else.
	if v := res.Facts.Completeness; v == nil || v.Verdict != evidence.VerdictIncomplete || len(v.Reasons) != 1 ||
		v.Reasons[0].Code != evidence.ReasonMediaNotCollected || !strings.Contains(v.Reasons[0].Detail, "yt-dlp is turned off") {
		t.Errorf("verdict: %+v", v)
	}
}

func TestYouTubeStates(t *testing.T) {
	for _, tc := range []struct {
		name, id string
		verdict  evidence.Verdict
		code     string
		detail   string
	}{
		{"bot check", "BoTcHeCk_01", evidence.VerdictBlocked, evidence.ReasonCaptcha, "로그인하여 봇이 아님을 확인하세요"},
		{"deleted", "DeLeTeD_001", evidence.VerdictDeleted, evidence.ReasonDeletedNotice, "동영상을 더 이상 볼 수 없습니다"},
		{"unavailable page", "ReMoVeD_002", evidence.VerdictDeleted, evidence.ReasonDeletedNotice, "This video isn't available anymore"},
		{"consent", "CoNsEnT_003", evidence.VerdictBlocked, evidence.ReasonConsent, "consent.youtube.com/m"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res, _ := captureURL(t, siteURL("www.youtube.com", "/watch?v="+tc.id))
			v := res.Facts.Completeness
			if v == nil || v.Verdict != tc.verdict || len(v.Reasons) == 0 || v.Reasons[0].Code != tc.code || !strings.Contains(v.Reasons[0].Detail, tc.detail) {
				t.Fatalf("verdict: %+v", v)
			}
			if s := res.Facts.Method.Site; s == nil || s.Profile != "youtube" || s.State != string(tc.verdict) {
				t.Errorf("method site: %+v", s)
			}
		})
	}
}

// TestYouTubeMarkupChanged: a watch page whose player response and markup the profile does not
// know is captured the generic way, and the method, the record and the verdict say so.
func TestYouTubeMarkupChanged(t *testing.T) {
	res, files := captureURL(t, siteURL("www.youtube.com", "/watch?v=ChAnGeD_123"))
	p := sitePosting(t, files)
	if s := res.Facts.Method.Site; s == nil || s.Profile != "youtube" || s.Matched {
		t.Errorf("method site: %+v", s)
	}
	if p.Platform != "generic" || !strings.Contains(strings.Join(p.Notes, "\n"), "did not match the YouTube profile") {
		t.Errorf("posting: platform %q notes %q", p.Platform, p.Notes)
	}
	v := res.Facts.Completeness
	if v == nil || v.Verdict != evidence.VerdictIncomplete || !hasReason(v, evidence.ReasonProfileNotMatched) {
		t.Errorf("verdict: %+v", v)
	}
}
