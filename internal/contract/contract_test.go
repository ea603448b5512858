package contract

import (
	"io/fs"
	"strings"
	"testing"

	"github.com/msls-dev/msls/dockerfile"
)

type mapFiles map[string]string

func (m mapFiles) Exists(rel string) bool { _, ok := m[rel]; return ok }
func (m mapFiles) ReadFile(rel string) ([]byte, error) {
	if v, ok := m[rel]; ok {
		return []byte(v), nil
	}
	return nil, fs.ErrNotExist
}

func kinds(ps []Problem) string {
	var out []string
	for _, p := range ps {
		out = append(out, p.Kind)
	}
	return strings.Join(out, ",")
}

func TestCheck(t *testing.T) {
	craPkg := mapFiles{"package.json": `{"scripts":{"start":"react-scripts start","build":"react-scripts build"},"dependencies":{"react":"18"},"devDependencies":{"react-scripts":"5"}}`}
	pnpmPkg := mapFiles{"package.json": `{"scripts":{"start":"pnpm run serve","serve":"node dist/index.js","build":"tsc"},"dependencies":{"express":"4"},"devDependencies":{"typescript":"5"}}`, "tsconfig.json": `{"compilerOptions":{"outDir":"./dist"}}`}
	tscPkg := mapFiles{"package.json": `{"scripts":{"build":"tsc -p ."},"dependencies":{"express":"4"}}`, "tsconfig.json": `{"compilerOptions":{"outDir":"build"}}`}
	for _, tc := range []struct {
		name, docker string
		files        Files
		want         string // comma-separated kinds
	}{
		{"mkdir after workdir", "FROM node:20-slim\nWORKDIR /app\nRUN mkdir /app\nCMD [\"node\", \"x.js\"]\n", nil, MkdirExistingDir},
		{"mkdir -p after workdir", "FROM node:20-slim\nWORKDIR /app\nRUN mkdir -p /app\nCMD [\"node\", \"x.js\"]\n", nil, ""},
		{"mkdir before workdir", "FROM node:20-slim\nRUN mkdir /app\nWORKDIR /app\nCMD [\"node\", \"x.js\"]\n", nil, ""},
		{"mkdir guarded", "FROM node:20-slim\nWORKDIR /app\nRUN mkdir /app || true\n", nil, ""},
		{"mkdir after rm", "FROM node:20-slim\nWORKDIR /app\nRUN rm -rf /app/x && mkdir /app/x\n", nil, ""},
		{"copy from deps that only installs",
			"FROM node:20 AS deps\nWORKDIR /app\nCOPY package.json package-lock.json ./\nRUN npm ci\nFROM node:20-slim\nWORKDIR /app\nCOPY --from=deps /app/dist ./dist\nCOPY --from=deps /app/node_modules ./node_modules\nCMD [\"node\", \"dist/index.js\"]\n",
			nil, CopyFromNotProduced},
		{"copy from builder with unknown build", "FROM node:20 AS b\nWORKDIR /app\nCOPY . .\nRUN npm ci && npm run build\nFROM node:20-slim\nWORKDIR /app\nCOPY --from=b /app/dist ./dist\nCMD [\"node\", \"dist/index.js\"]\n", nil, ""},
		{"tsc outDir from tsconfig, wrong dir copied",
			"FROM node:20 AS b\nWORKDIR /app\nCOPY package.json tsconfig.json ./\nCOPY src ./src\nRUN npm install\nRUN npm run build\nFROM node:20-slim\nWORKDIR /app\nCOPY --from=b /app/dist ./dist\nCMD [\"node\", \"dist/index.js\"]\n",
			tscPkg, CopyFromNotProduced},
		{"tsc outDir from tsconfig, right dir copied",
			"FROM node:20 AS b\nWORKDIR /app\nCOPY package.json tsconfig.json ./\nCOPY src ./src\nRUN npm install\nRUN npm run build\nFROM node:20-slim\nWORKDIR /app\nCOPY --from=b /app/build ./build\nCMD [\"node\", \"build/index.js\"]\n",
			tscPkg, ""},
		{"go build -o elsewhere",
			"FROM golang:1.22 AS b\nWORKDIR /src\nCOPY go.mod go.sum ./\nRUN go mod download\nCOPY main.go ./\nRUN go build -o /out/app .\nFROM gcr.io/distroless/static-debian12:nonroot\nCOPY --from=b /src/app /app\nENTRYPOINT [\"/app\"]\n",
			nil, CopyFromNotProduced},
		{"go build -o right",
			"FROM golang:1.22 AS b\nWORKDIR /src\nCOPY go.mod go.sum ./\nRUN go mod download\nCOPY . .\nRUN CGO_ENABLED=0 go build -o /out/app .\nFROM gcr.io/distroless/static-debian12:nonroot\nCOPY --from=b /out/app /app\nENTRYPOINT [\"/app\"]\n",
			nil, ""},
		{"module cache copied", "FROM golang:1.22 AS deps\nWORKDIR /src\nCOPY go.mod ./\nRUN go mod download\nFROM golang:1.22\nCOPY --from=deps /go/pkg/mod /go/pkg/mod\n", nil, ""},
		{"venv", "FROM python:3.12 AS b\nRUN python -m venv /opt/venv\nFROM python:3.12-slim\nCOPY --from=b /opt/venv /opt/venv\nENV PATH=/opt/venv/bin:$PATH\nCMD [\"gunicorn\", \"app:app\"]\n", nil, ""},
		{"pip --target", "FROM python:3.12 AS b\nWORKDIR /app\nCOPY requirements.txt .\nRUN pip install --target /app/deps -r requirements.txt\nFROM python:3.12-slim\nWORKDIR /app\nCOPY --from=b /app/deps /app/deps\nCOPY --from=b /app/lib /app/lib\n", nil, CopyFromNotProduced},
		{"shell form on distroless", "FROM golang:1.22 AS b\nWORKDIR /src\nCOPY . .\nRUN go build -o /out/app .\nFROM gcr.io/distroless/static-debian12\nCOPY --from=b /out/app /app\nCMD /app --port 80\n", nil, StartProgramMissing},
		{"pnpm without corepack", "FROM node:20-slim\nWORKDIR /app\nCOPY . .\nRUN npm i -g pnpm && pnpm install\nFROM node:20-slim\nWORKDIR /app\nCOPY --from=0 /app ./\nCMD [\"pnpm\", \"start\"]\n", nil, StartProgramMissing},
		{"pnpm with corepack", "FROM node:20-slim\nWORKDIR /app\nCOPY . .\nRUN corepack enable && pnpm install\nFROM node:20-slim\nRUN corepack enable\nWORKDIR /app\nCOPY --from=0 /app ./\nCMD [\"pnpm\", \"start\"]\n", nil, ""},
		{"yarn ships with node", "FROM node:20-slim\nWORKDIR /app\nCOPY . .\nCMD [\"yarn\", \"start\"]\n", nil, ""},
		{"node missing on python", "FROM node:20 AS b\nWORKDIR /app\nCOPY . .\nRUN npm ci\nFROM python:3.12-slim\nWORKDIR /app\nCOPY --from=b /app ./\nCMD [\"node\", \"server.js\"]\n", nil, StartProgramMissing},
		{"CRA dev server pruned",
			"FROM node:20 AS deps\nWORKDIR /app\nCOPY package.json package-lock.json ./\nRUN npm ci --omit=dev\nFROM node:20-slim\nWORKDIR /app\nCOPY --from=deps /app/node_modules ./node_modules\nCOPY . .\nCMD [\"npm\", \"start\"]\n",
			craPkg, StartPackagePruned},
		{"CRA dev server with full install",
			"FROM node:20 AS deps\nWORKDIR /app\nCOPY package.json package-lock.json ./\nRUN npm ci\nFROM node:20-slim\nWORKDIR /app\nCOPY --from=deps /app/node_modules ./node_modules\nCOPY . .\nCMD [\"npm\", \"start\"]\n",
			craPkg, ""},
		{"pnpm start script without pnpm",
			"FROM node:20 AS b\nWORKDIR /app\nCOPY . .\nRUN corepack enable && pnpm install && pnpm run build\nFROM node:20-slim\nWORKDIR /app\nCOPY --from=b /app/dist ./dist\nCOPY --from=b /app/node_modules ./node_modules\nCOPY package.json ./\nCMD [\"npm\", \"start\"]\n",
			pnpmPkg, StartProgramMissing},
		{"node script not copied",
			"FROM node:20 AS b\nWORKDIR /app\nCOPY . .\nRUN npm ci && npm run build\nFROM node:20-slim\nRUN corepack enable\nWORKDIR /app\nCOPY --from=b /app/node_modules ./node_modules\nCOPY package.json ./\nCMD [\"npm\", \"start\"]\n",
			pnpmPkg, StartProgramMissing},
		{"user cannot write root workdir", "FROM node:20-slim\nWORKDIR /app\nCOPY package.json ./\nUSER node\nRUN npm ci\n", nil, NonRootWriteRootDir},
		{"user owns workdir", "FROM node:20-slim\nUSER node\nWORKDIR /home/node/app\nCOPY --chown=node:node package.json ./\nRUN npm ci\n", nil, ""},
		{"chown fixes it", "FROM node:20-slim\nWORKDIR /app\nRUN chown node:node /app\nUSER node\nRUN npm ci\n", nil, ""},
		{"whole context copied, context known, no dist there",
			"FROM node:20 AS b\nWORKDIR /app\nCOPY . .\nRUN npm ci\nFROM node:20-slim\nWORKDIR /app\nCOPY --from=b /app/dist ./dist\n",
			mapFiles{"package.json": `{}`, "src": ""}, CopyFromNotProduced},
		{"whole context copied, dist in the context",
			"FROM node:20 AS b\nWORKDIR /app\nCOPY . .\nRUN npm ci\nFROM node:20-slim\nWORKDIR /app\nCOPY --from=b /app/dist ./dist\n",
			mapFiles{"package.json": `{}`, "dist": ""}, ""},
		{"whole context copied, context unknown",
			"FROM node:20 AS b\nWORKDIR /app\nCOPY . .\nRUN npm ci\nFROM node:20-slim\nWORKDIR /app\nCOPY --from=b /app/dist ./dist\n",
			nil, ""},
		{"unknown base image not judged", "FROM myorg/builder AS b\nWORKDIR /app\nRUN npm ci\nFROM myorg/runtime\nCOPY --from=b /app/dist /dist\nCMD [\"pnpm\", \"start\"]\n", nil, ""},
		{"variable workdir not judged", "FROM node:20 AS b\nARG D=/app\nWORKDIR $D\nRUN npm ci\nFROM node:20-slim\nCOPY --from=b /app/dist /dist\n", nil, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := dockerfile.Parse([]byte(tc.docker))
			ps := Check(f, tc.files)
			if got := kinds(ps); got != tc.want {
				t.Fatalf("kinds = %q, want %q\n%v", got, tc.want, ps)
			}
			for _, p := range ps {
				if p.Message == "" || p.Span.End <= p.Span.Start {
					t.Errorf("problem without message or span: %+v", p)
				}
			}
		})
	}
}
