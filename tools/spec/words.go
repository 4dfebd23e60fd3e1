package spec

import (
	"regexp"
	"sort"
	"strings"
	"unicode"
)

// stopWords are English words that carry no subject: they neither make two
// texts about the same thing nor count as a request's content.
var stopWords = setOf(`a an the to of for in on at by with from into onto and or but not no nor
is are was were be been being it its this that these those as so than then there here
we our you your they them their he she his her i me my us
add adds added adding make makes made let lets allow allows support supports implement implements
introduce new should shall must can could would will want need needs please also when while if
where what which who how all any some each every only just via per`)

// englishMarkers are common English function words; a request with none of
// them and with words of another language's list is not English.
var englishMarkers = setOf(`the a an to of for in on and or with is are be should when add make allow`)

// foreignMarkers are function words of common other languages (German,
// French, Spanish, Italian, Portuguese, Dutch).
var foreignMarkers = setOf(`der die das und für mit ein eine nicht zum zur den dem des hinzufügen
le la les et pour avec une des du au aux ajouter
el los las y para con una del añadir agregar
il gli e per con una aggiungere
o os as para com uma adicionar
de het een en voor met toevoegen`)

func setOf(words string) map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(words) {
		m[w] = true
	}
	return m
}

var wordRE = regexp.MustCompile(`[\p{L}\p{N}_]+`)

// words lowercases text and splits it into words.
func words(text string) []string {
	return wordRE.FindAllString(strings.ToLower(text), -1)
}

// language is "en" unless the request is visibly in another language:
// mostly non-Latin letters, or another language's function words and no
// English ones. Nothing is translated either way; the answer only decides
// whether the prose templates (English) are used or the request's own words
// are kept.
func language(text string) string {
	var letters, nonLatin int
	for _, r := range text {
		if unicode.IsLetter(r) {
			letters++
			if !unicode.In(r, unicode.Latin) {
				nonLatin++
			}
		}
	}
	if letters > 0 && nonLatin*3 > letters {
		return "other"
	}
	en, other := 0, 0
	for _, w := range words(text) {
		if englishMarkers[w] {
			en++
		}
		if foreignMarkers[w] && !englishMarkers[w] {
			other++
		}
	}
	if other > en {
		return "other"
	}
	return "en"
}

// stem folds the common English endings so that "limiting", "limited" and
// "limits" meet. It is deliberately crude: it only has to make two phrasings
// of one subject overlap.
func stem(w string) string {
	for _, suf := range []string{"ing", "ed", "es", "s"} {
		if len(w) > len(suf)+3 && strings.HasSuffix(w, suf) {
			w = strings.TrimSuffix(w, suf)
			break
		}
	}
	// limitt → limit (after "limitting"), stopp → stop
	if n := len(w); n > 4 && w[n-1] == w[n-2] && !strings.ContainsRune("aeiousl", rune(w[n-1])) {
		w = w[:n-1]
	}
	return w
}

// contentStems are the stems of text's words that carry its subject.
// subjectWords is text without its stop words: what a request is about,
// for the searches that ground it. A request of stop words only stays as
// it is.
func subjectWords(text string) string {
	var kept []string
	for _, w := range strings.Fields(text) {
		if !stopWords[strings.ToLower(strings.Trim(w, ".,;:!?\"'"))] {
			kept = append(kept, w)
		}
	}
	if len(kept) == 0 {
		return text
	}
	return strings.Join(kept, " ")
}

func contentStems(text string) []string {
	seen := map[string]bool{}
	var out []string
	for _, w := range words(text) {
		if stopWords[w] || len([]rune(w)) < 3 {
			continue
		}
		s := stem(w)
		if !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	return out
}

// overlap is the share of want's stems that have contains.
func overlap(want []string, have map[string]bool) float64 {
	if len(want) == 0 {
		return 0
	}
	n := 0
	for _, s := range want {
		if have[s] {
			n++
		}
	}
	return float64(n) / float64(len(want))
}

func stemSet(text string) map[string]bool {
	m := map[string]bool{}
	for _, s := range contentStems(text) {
		m[s] = true
	}
	return m
}

// similarity is the Jaccard index of two texts' content stems.
func similarity(a, b string) float64 {
	sa, sb := stemSet(a), stemSet(b)
	if len(sa) == 0 || len(sb) == 0 {
		return 0
	}
	inter := 0
	for s := range sa {
		if sb[s] {
			inter++
		}
	}
	return float64(inter) / float64(len(sa)+len(sb)-inter)
}

// clarifying returns the questions to ask instead of drafting when the
// request is too thin to draft from (empty, or a single word); nil when a
// draft can be made.
func clarifying(request string) []Question {
	ws := strings.Fields(request)
	if len(ws) >= 2 {
		return nil
	}
	subject := "it"
	if len(ws) == 1 {
		subject = "\"" + ws[0] + "\""
	}
	return []Question{
		{ID: "Q1", Question: "What should change about " + subject + ", and for whom?",
			Options: []string{"new behaviour (describe the trigger and the response)", "a change to existing behaviour (name it)", "a fix of wrong behaviour (describe what happens now)"}},
		{ID: "Q2", Question: "How will we know it works?",
			Options: []string{"an observable response (status, message, file)", "a number to meet (latency, rate, size)", "an existing test or spec to follow"}},
		{ID: "Q3", Question: "What must stay as it is?",
			Options: []string{"nothing in particular", "the current API and its responses", "named behaviour (list it)"}},
	}
}

// slug makes a file name part from a title: lowercase words joined by
// dashes, at most six, letters of any script kept.
func slug(title string) string {
	ws := words(title)
	var kept []string
	for _, w := range ws {
		if len(kept) == 6 {
			break
		}
		if stopWords[w] && len(kept) > 0 && len(ws) > 6 {
			continue
		}
		kept = append(kept, w)
	}
	s := strings.Join(kept, "-")
	if s == "" {
		s = "spec"
	}
	return s
}

// sentenceEnd ends a sentence: a stop followed by a blank or the end, or a
// line break. The dot inside DateTime.toUnixInteger or v1.2 ends none.
var sentenceEnd = regexp.MustCompile(`[.!?](?:\s|$)|\n`)

// maxTitleWords bounds a title; a longer first sentence is cut at its
// last clause within it, so that no title stops mid-phrase ("… while
// keeping").
const maxTitleWords = 14

// clauseStart opens a clause a title may end before.
var clauseStart = map[string]bool{"while": true, "so": true, "because": true, "when": true, "if": true, "unless": true,
	"and": true, "but": true, "without": true, "instead": true, "since": true, "which": true, "that": true}

// titleOf derives a title from the request: its first sentence,
// capitalised, whole up to maxTitleWords words, else up to its last clause
// within them.
func titleOf(request string) string {
	first := request
	if loc := sentenceEnd.FindStringIndex(first); loc != nil && loc[0] > 0 {
		first = first[:loc[0]]
	}
	ws := strings.Fields(first)
	if len(ws) > maxTitleWords {
		cut := maxTitleWords
		for i := maxTitleWords; i >= 4; i-- {
			if clauseStart[strings.ToLower(ws[i])] || strings.HasSuffix(ws[i-1], ",") || strings.HasSuffix(ws[i-1], ";") {
				cut = i
				break
			}
		}
		ws = ws[:cut]
		ws[len(ws)-1] = strings.TrimRight(ws[len(ws)-1], ",;:")
	}
	t := strings.Join(ws, " ")
	r := []rune(t)
	if len(r) > 0 {
		r[0] = unicode.ToUpper(r[0])
	}
	return string(r)
}

// topCounts returns the keys of counts with the highest count first.
func topCounts(counts map[string]int) []string {
	keys := make([]string, 0, len(counts))
	for k := range counts {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool {
		if counts[keys[i]] != counts[keys[j]] {
			return counts[keys[i]] > counts[keys[j]]
		}
		return keys[i] < keys[j]
	})
	return keys
}
