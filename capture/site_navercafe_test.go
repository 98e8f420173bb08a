package capture

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"evidentia/evidence"
)

// ncWriter is an article's or a comment's writer in the café's article API: writer.id,
// writer.nick, writer.memberLevelName and writer.memberKey as public scrapers read them.
type ncWriter struct {
	ID              string `json:"id"`
	Nick            string `json:"nick"`
	MemberKey       string `json:"memberKey"`
	MemberLevelName string `json:"memberLevelName,omitempty"`
}

// ncComment is one item of .../comments/pages. The public sources name the endpoint, not its
// fields: id, refId (the comment a reply belongs to; its own id for a comment), writer,
// content, updateDate (epoch ms, as the article's writeDate) and isDeleted are this
// fixture's names.
type ncComment struct {
	ID         string   `json:"id"`
	RefID      string   `json:"refId"`
	Writer     ncWriter `json:"writer"`
	Content    string   `json:"content"`
	UpdateDate int64    `json:"updateDate"`
	IsDeleted  bool     `json:"isDeleted"`
}

// ncArticleTime is when article 1234 was written.
var ncArticleTime = time.Date(2026, 5, 28, 22, 15, 0, 0, evidence.KST())

// ncComments are article 1234's comments in the order the café lists them: a reply right
// after its comment; 88000003 deleted.
func ncComments() []ncComment {
	mk := func(id, ref string, min int, nick, text string) ncComment {
		return ncComment{ID: id, RefID: ref, Writer: ncWriter{ID: "", Nick: nick, MemberKey: "mk" + id}, Content: text,
			UpdateDate: ncArticleTime.Add(time.Duration(min) * time.Minute).UnixMilli()}
	}
	list := []ncComment{
		mk("88000001", "88000001", 4, "투표지킴이", "이거 진짜면 큰일인데"),
		mk("88000002", "88000001", 6, "선거지킴이", "사진 원본 있습니다"),
		mk("88000003", "88000003", 9, "", ""),
		mk("88000004", "88000004", 12, "상식인", "출처 없는 주장은 퍼나르지 맙시다"),
		mk("88000005", "88000004", 15, "투표지킴이", "선관위 편드는 알바냐"),
		mk("88000006", "88000006", 31, "봄날", "김철수 후보가 돈 받았다는 말도 있던데"),
	}
	list[2].IsDeleted = true
	return list
}

func init() {
	siteRoutes = append(siteRoutes, naverCafeRoutes)
	fixtureHosts = append(fixtureHosts, "apis.naver.com", "nid.naver.com")
}

func naverCafeRoutes(mux *http.ServeMux) {
	app := siteFile("navercafe/article.html")
	changed := strings.NewReplacer("ArticleContentBox", "ArticleBox_v2", "CommentItem", "CommentRow", "comment_list", "comment_rows").Replace(string(app))
	mux.HandleFunc("cafe.naver.com/ca-fe/cafes/27842958/articles/", func(w http.ResponseWriter, r *http.Request) {
		switch strings.TrimPrefix(r.URL.Path, "/ca-fe/cafes/27842958/articles/") {
		case "1234", "1236", "404":
			writeHTML(w, 200, app)
		case "1237": // the markup changed
			writeHTML(w, 200, []byte(changed))
		case "1235": // a members-only café sends a visitor to the login page
			http.Redirect(w, r, siteURL("nid.naver.com", "/nidlogin.login?mode=form&url="+
				"https%3A%2F%2Fcafe.naver.com%2Fca-fe%2Fcafes%2F27842958%2Farticles%2F1235"), http.StatusFound)
		default:
			http.NotFound(w, r)
		}
	})
	mux.HandleFunc("cafe.naver.com/politicscafe/1234", func(w http.ResponseWriter, r *http.Request) {
		writeHTML(w, 200, siteFile("navercafe/outer.html"))
	})
	mux.HandleFunc("cafe.naver.com/ArticleRead.nhn", func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Query().Get("clubid") != "27842958" || r.URL.Query().Get("articleid") != "1234" {
			http.NotFound(w, r)
			return
		}
		writeHTML(w, 200, app)
	})
	mux.HandleFunc("nid.naver.com/nidlogin.login", func(w http.ResponseWriter, r *http.Request) {
		writeHTML(w, 200, siteFile("navercafe/login.html"))
	})
	cors := func(w http.ResponseWriter, r *http.Request) bool {
		// As the API answers the café's own pages: with their origin, cookies allowed.
		o := r.Header.Get("Origin")
		if !strings.HasPrefix(o, "https://cafe.naver.com") {
			http.Error(w, "", http.StatusForbidden)
			return false
		}
		w.Header().Set("Access-Control-Allow-Origin", o)
		w.Header().Set("Access-Control-Allow-Credentials", "true")
		return true
	}
	mux.HandleFunc("apis.naver.com/cafe-web/cafe-articleapi/v2.1/cafes/27842958/articles/", func(w http.ResponseWriter, r *http.Request) {
		if !cors(w, r) {
			return
		}
		id := strings.TrimPrefix(r.URL.Path, "/cafe-web/cafe-articleapi/v2.1/cafes/27842958/articles/")
		if r.URL.Query().Get("useCafeId") != "true" {
			http.Error(w, "", http.StatusBadRequest)
			return
		}
		switch id {
		case "1234", "1237":
			writeJSON(w, map[string]any{"result": map[string]any{"article": map[string]any{
				"id": 1234, "subject": "[속보] 개표소에서 투표함 바꿔치기 목격담", "menu": map[string]any{"id": 1, "name": "자유게시판"},
				"writer":    ncWriter{ID: "sunny_day88", Nick: "선거지킴이", MemberKey: "Qm9hcmQxMjM0", MemberLevelName: "우수회원"},
				"writeDate": ncArticleTime.UnixMilli(), "readCount": 1532, "commentCount": 6, "likeItCount": 21,
				"contentHtml": "<p>어제 개표소에서 투표함이 바뀌는 것을 봤다는 제보입니다.</p><p>선관위는 해명하라.</p>"}}})
		case "1236":
			w.Header().Set("Content-Type", "application/json; charset=utf-8")
			w.WriteHeader(http.StatusUnauthorized)
			writeJSON(w, map[string]any{"result": map[string]any{"errorCode": "NOT_CAFE_MEMBER", "reason": "카페 멤버만 볼 수 있습니다."}})
		default:
			w.Header().Set("Content-Type", "application/json; charset=utf-8")
			w.WriteHeader(http.StatusNotFound)
			writeJSON(w, map[string]any{"result": map[string]any{"errorCode": "ARTICLE_NOT_FOUND"}})
		}
	})
	mux.HandleFunc("apis.naver.com/cafe-web/cafe-articleapi/v2/cafes/27842958/articles/", func(w http.ResponseWriter, r *http.Request) {
		if !cors(w, r) {
			return
		}
		if !strings.HasSuffix(r.URL.Path, "/comments/pages") || r.URL.Query().Get("requestFrom") != "A" {
			http.NotFound(w, r)
			return
		}
		writeJSON(w, map[string]any{"result": map[string]any{"comments": map[string]any{"items": ncComments()}}})
	})
}

func TestNaverCafeArticle(t *testing.T) {
	for _, tc := range []struct{ name, path string }{
		{"new address", "/ca-fe/cafes/27842958/articles/1234"},
		{"old address, iframe#cafe_main", "/politicscafe/1234"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res, files := captureURL(t, siteURL("cafe.naver.com", tc.path))
			keepSiteCapture(t, "navercafe", files)
			p := sitePosting(t, files)
			site := res.Facts.Method.Site
			if site == nil || site.Profile != "naver_cafe" || !site.Matched {
				t.Fatalf("method site: %+v", site)
			}
			// The old address's ID is read from the frame's ArticleRead.nhn?clubid=&articleid=.
			if p.Platform != "naver_cafe" || p.PostID != "27842958/1234" || p.Title != "[속보] 개표소에서 투표함 바꿔치기 목격담" {
				t.Errorf("post: %q %q %q", p.Platform, p.PostID, p.Title)
			}
			if a := p.Author; a.Nickname != "선거지킴이" || a.AccountID != "sunny_day88" ||
				a.ProfileURL != "https://cafe.naver.com/ca-fe/cafes/27842958/members/Qm9hcmQxMjM0" {
				t.Errorf("author: %+v", a)
			}
			if p.Posted == nil || p.Posted.KST != ncArticleTime.Format(time.RFC3339) {
				t.Errorf("posted: %+v", p.Posted)
			}
			if c := p.Counts; c.Views == nil || c.Views.Value != 1532 || c.Comments == nil || c.Comments.Value != 6 || c.Likes == nil || c.Likes.Value != 21 {
				t.Errorf("counts: %+v %+v %+v", c.Views, c.Comments, c.Likes)
			}
			want := ncComments()
			if len(p.Comments) != len(want) {
				t.Errorf("%d comments, want %d: %+v", len(p.Comments), len(want), p.Comments)
			}
			byID := commentByID(p)
			for _, w := range want {
				c, ok := byID[w.ID]
				if !ok {
					t.Errorf("comment %s missing", w.ID)
					continue
				}
				wantParent := ""
				if w.RefID != w.ID {
					wantParent = w.RefID
				}
				if c.ParentID != wantParent || c.Deleted != w.IsDeleted || c.Hidden || c.IDAssigned {
					t.Errorf("comment %s: parent %q deleted %v hidden %v", w.ID, c.ParentID, c.Deleted, c.Hidden)
				}
				if w.IsDeleted {
					continue
				}
				if c.Text != w.Content || c.Author.Nickname != w.Writer.Nick {
					t.Errorf("comment %s: %+v", w.ID, c)
				}
				wt := time.UnixMilli(w.UpdateDate).In(evidence.KST()).Truncate(time.Minute)
				if c.Time == nil || c.Time.KST != wt.Format(time.RFC3339) || c.Time.Relative {
					t.Errorf("comment %s time: %+v", w.ID, c.Time)
				}
			}
			if v := res.Facts.Completeness; v == nil || v.Verdict != evidence.VerdictComplete {
				t.Errorf("verdict: %+v", v)
			}
		})
	}
}

func TestNaverCafeStates(t *testing.T) {
	for _, tc := range []struct {
		name, id string
		verdict  evidence.Verdict
		code     string
		words    string
	}{
		{"members only notice", "1236", evidence.VerdictLoginWall, evidence.ReasonLoginNotice, "카페 멤버만 볼 수 있습니다"},
		{"login redirect", "1235", evidence.VerdictLoginWall, evidence.ReasonLoginRedirect, "nid.naver.com/nidlogin.login"},
		{"deleted", "404", evidence.VerdictDeleted, evidence.ReasonDeletedNotice, "삭제되었거나 존재하지 않는 게시글입니다"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res, _ := captureURL(t, siteURL("cafe.naver.com", "/ca-fe/cafes/27842958/articles/"+tc.id))
			v := res.Facts.Completeness
			if v == nil || v.Verdict != tc.verdict || !hasReason(v, tc.code) || !strings.Contains(reasonDetails(v), tc.words) {
				t.Fatalf("verdict: %+v", v)
			}
			if s := res.Facts.Method.Site; s == nil || s.Profile != "naver_cafe" || s.State != string(tc.verdict) {
				t.Errorf("method site: %+v", s)
			}
		})
	}
}

// TestNaverCafeMarkupChanged: an article whose markup the profile does not know is captured
// the generic way, and the method, the record and the verdict say so.
func TestNaverCafeMarkupChanged(t *testing.T) {
	res, files := captureURL(t, siteURL("cafe.naver.com", "/ca-fe/cafes/27842958/articles/1237"))
	p := sitePosting(t, files)
	if s := res.Facts.Method.Site; s == nil || s.Profile != "naver_cafe" || s.Matched {
		t.Errorf("method site: %+v", s)
	}
	if p.Platform != "generic" || !strings.Contains(strings.Join(p.Notes, "\n"), "did not match the Naver Cafe profile") {
		t.Errorf("posting: platform %q notes %q", p.Platform, p.Notes)
	}
	v := res.Facts.Completeness
	if v == nil || v.Verdict != evidence.VerdictIncomplete || !hasReason(v, evidence.ReasonProfileNotMatched) {
		t.Errorf("verdict: %+v", v)
	}
}
