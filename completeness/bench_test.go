package completeness

import (
	"strings"
	"testing"
)

// benchPage is about 1 MB of Korean page text: the news article and its comments, repeated.
func benchPage(b *testing.B) string {
	a := testdata(b, "naver_news_article.txt") + testdata(b, "article_quoting.txt")
	var s strings.Builder
	for s.Len() < 1<<20 {
		s.WriteString(a)
	}
	return s.String()
}

func BenchmarkJudge(b *testing.B) {
	in := Input{Status: 200, Title: "선관위, 사전투표 앞두고 투표소 점검 : 네이버 뉴스", Text: benchPage(b), Images: 1,
		CommentsStated: true, CommentsClaimed: 128, CommentsCaptured: 128}
	b.SetBytes(int64(len(in.Text)))
	b.ReportAllocs()
	for b.Loop() {
		Judge(in)
	}
}
