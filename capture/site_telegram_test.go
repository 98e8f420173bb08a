package capture

import (
	"net/http"
	"strings"
	"testing"

	"evidentia/evidence"
)

// tgPosts are the posts of the fixture channel elecnews as testdata/sites/telegram/channel.html
// shows them (482 deleted: the preview skips it).
var tgPosts = []struct {
	no, text, kst, nick string
}{
	{"480", "선관위 발표 전문입니다", "2026-05-28T20:00:05+09:00", "선거뉴스 속보"},
	{"481", "사전투표함이 바뀌었다는 제보가 들어왔습니다.\n영상 곧 공개합니다", "2026-05-28T21:04:17+09:00", "선거뉴스 속보"},
	{"483", "투표함 봉인지 사진입니다. 조작 증거", "2026-05-28T22:30:00+09:00", "김제보 (선거뉴스 속보)"},
	{"484", "내일 집회 공지", "2026-05-29T09:15:42+09:00", "선거뉴스 속보"},
}

func init() {
	siteRoutes = append(siteRoutes, tgRoutes)
}

func tgRoutes(mux *http.ServeMux) {
	channel := siteFile("telegram/channel.html")
	changed := strings.NewReplacer("tgme_widget_message", "tgme_msg", "tgme_channel_history", "tgme_history", "tgme_channel_info", "tgme_info").Replace(string(channel))
	mux.HandleFunc("t.me/s/", func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/s/elecnews", "/s/elecnews/483", "/s/elecnews/482":
			// t.me/s/CHANNEL/ID shows the channel's page around post ID.
			writeHTML(w, 200, channel)
		case "/s/elecnews2":
			writeHTML(w, 200, []byte(strings.ReplaceAll(changed, "elecnews", "elecnews2")))
		default:
			http.NotFound(w, r)
		}
	})
	mux.HandleFunc("t.me/elecnews/", func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Query().Get("embed") == "" {
			http.NotFound(w, r)
			return
		}
		switch r.URL.Path {
		case "/elecnews/481":
			writeHTML(w, 200, siteFile("telegram/embed.html"))
		default: // Telegram answers 200 with its error widget
			writeHTML(w, 200, siteFile("telegram/notfound.html"))
		}
	})
}

func tgCheckMatched(t *testing.T, res *Result) {
	t.Helper()
	if s := res.Facts.Method.Site; s == nil || s.Profile != "telegram" || !s.Matched {
		t.Fatalf("method site: %+v", s)
	}
}

// TestTelegramPost: a post highlighted in the channel preview is the posting, the channel its
// author, the signed author in the nickname; the preview's other posts are not comments.
func TestTelegramPost(t *testing.T) {
	for _, tc := range []struct{ name, host, path, no string }{
		{"preview", "t.me", "/s/elecnews/483", "483"},
		{"embed", "t.me", "/elecnews/481?embed=1", "481"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res, files := captureURL(t, siteURL(tc.host, tc.path))
			keepSiteCapture(t, "telegram-"+tc.name, files)
			tgCheckMatched(t, res)
			p := sitePosting(t, files)
			var want = tgPosts[0]
			for _, w := range tgPosts {
				if w.no == tc.no {
					want = w
				}
			}
			if p.Platform != "telegram" || p.PostID != "elecnews/"+tc.no {
				t.Errorf("post: platform %q id %q", p.Platform, p.PostID)
			}
			if a := p.Author; a.Nickname != want.nick || a.AccountID != "elecnews" || a.ProfileURL != "https://t.me/elecnews" {
				t.Errorf("author: %+v", a)
			}
			if p.Posted == nil || p.Posted.KST != want.kst || !strings.Contains(p.Posted.Source, "attr:datetime") {
				t.Errorf("posted: %+v", p.Posted)
			}
			if p.Counts.Views == nil || (tc.no == "483" && p.Counts.Views.Value != 9800) || (tc.no == "481" && p.Counts.Views.Value != 12400) {
				t.Errorf("views: %+v", p.Counts.Views)
			}
			if len(p.Comments) != 0 {
				t.Errorf("%d comments, want none: %+v", len(p.Comments), p.Comments)
			}
			if !strings.Contains(string(files["text.txt"]), strings.Split(want.text, "\n")[0]) {
				t.Errorf("visible text lacks %q", want.text)
			}
			if v := res.Facts.Completeness; v == nil || v.Verdict != evidence.VerdictComplete {
				t.Errorf("verdict: %+v", v)
			}
		})
	}
}

// TestTelegramChannel: a channel address records the channel and each post it shows as a
// comment, the service message left out; the older posts it did not load are a site limit.
func TestTelegramChannel(t *testing.T) {
	res, files := captureURL(t, siteURL("t.me", "/s/elecnews"))
	keepSiteCapture(t, "telegram-channel", files)
	tgCheckMatched(t, res)
	p := sitePosting(t, files)
	if p.PostID != "elecnews" || p.Title != "선거뉴스 속보" || p.Author.AccountID != "elecnews" {
		t.Errorf("post: %q %q %+v", p.PostID, p.Title, p.Author)
	}
	if len(p.Comments) != len(tgPosts) {
		t.Errorf("%d comments, want %d: %+v", len(p.Comments), len(tgPosts), p.Comments)
	}
	byID := commentByID(p)
	for _, w := range tgPosts {
		c, ok := byID[w.no]
		if !ok {
			t.Errorf("post %s missing", w.no)
			continue
		}
		if c.IDAssigned || c.ParentID != "" || c.Text != w.text || c.Author.Nickname != w.nick || c.Author.AccountID != "elecnews" ||
			c.Deleted || c.Hidden {
			t.Errorf("post %s: %+v", w.no, c)
		}
		if c.Time == nil || c.Time.KST != w.kst || c.Time.Relative {
			t.Errorf("post %s time: %+v", w.no, c.Time)
		}
	}
	v := res.Facts.Completeness
	if v == nil || v.Verdict != evidence.VerdictIncomplete || !hasReason(v, evidence.ReasonSiteLimit) || len(v.Reasons) != 1 {
		t.Errorf("verdict: %+v", v)
	}
}

func TestTelegramDeleted(t *testing.T) {
	for _, tc := range []struct{ name, path, detail string }{
		{"embed not found", "/elecnews/999?embed=1", "Post not found"},
		{"skipped in the preview", "/s/elecnews/482", "not post 482"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res, _ := captureURL(t, siteURL("t.me", tc.path))
			v := res.Facts.Completeness
			if v == nil || v.Verdict != evidence.VerdictDeleted || !hasReason(v, evidence.ReasonDeletedNotice) || !strings.Contains(v.Reasons[0].Detail, tc.detail) {
				t.Fatalf("verdict: %+v", v)
			}
			if s := res.Facts.Method.Site; s == nil || s.State != "deleted" {
				t.Errorf("method site: %+v", s)
			}
		})
	}
}

func TestTelegramMarkupChanged(t *testing.T) {
	res, files := captureURL(t, siteURL("t.me", "/s/elecnews2"))
	p := sitePosting(t, files)
	if s := res.Facts.Method.Site; s == nil || s.Profile != "telegram" || s.Matched {
		t.Errorf("method site: %+v", s)
	}
	if p.Platform != "generic" || !strings.Contains(strings.Join(p.Notes, "\n"), "did not match the Telegram profile") {
		t.Errorf("posting: platform %q notes %q", p.Platform, p.Notes)
	}
	v := res.Facts.Completeness
	if v == nil || v.Verdict != evidence.VerdictIncomplete || !hasReason(v, evidence.ReasonProfileNotMatched) {
		t.Errorf("verdict: %+v", v)
	}
}
