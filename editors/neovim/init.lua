-- Ready-to-use msls setup for Neovim 0.11+ (copy into your init.lua, or `:luafile` it).
-- Needs `msls` on PATH: go install github.com/msls-dev/msls/cmd/msls@latest

-- Neovim already knows Dockerfile, Containerfile and *.Dockerfile; add the other names people use.
vim.filetype.add({
  pattern = {
    ['.*/Dockerfile%..*'] = 'dockerfile',
    ['.*%.[Dd]ockerfile'] = 'dockerfile',
    ['.*/Containerfile%..*'] = 'dockerfile',
    ['.*%.[Cc]ontainerfile'] = 'dockerfile',
  },
  filename = { Containerfile = 'dockerfile' },
})

-- Same as lsp/msls.lua; with that file on 'runtimepath' this call can be left out.
vim.lsp.config('msls', {
  cmd = { 'msls' },
  filetypes = { 'dockerfile' },
  root_markers = { '.msls.yaml', '.msls.yml', '.git' },
  settings = {
    msls = {
      -- rules = { CacheBustingCopy = 'error', SingleStageBuild = 'off' },
    },
  },
})
vim.lsp.enable('msls')
