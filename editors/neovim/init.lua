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
-- Compose and bake files get stage-name completion for `target`, go-to-definition to the FROM line and
-- the UnknownBuildTarget diagnostic; msls never attaches to other YAML, HCL or JSON buffers.
local function msls_buffer(bufnr)
  if vim.bo[bufnr].filetype == 'dockerfile' then
    return true
  end
  local name = vim.fs.basename(vim.api.nvim_buf_get_name(bufnr)):lower()
  local stem = name:match('^(.*)%.ya?ml$')
  if stem and (stem == 'compose' or stem == 'docker-compose' or stem:find('^compose%.') or stem:find('^docker%-compose%.')
      or stem:find('%.compose$') or stem:find('%-compose$')) then
    return true
  end
  stem = name:match('^(.*)%.hcl$') or name:match('^(.*)%.json$')
  return stem ~= nil and (stem == 'docker-bake' or stem:find('^docker%-bake%.') ~= nil or stem:find('%.bake$') ~= nil)
end

vim.lsp.config('msls', {
  cmd = { 'msls' },
  filetypes = { 'dockerfile', 'yaml', 'yaml.docker-compose', 'hcl', 'json' },
  root_dir = function(bufnr, on_dir)
    if msls_buffer(bufnr) then
      on_dir(vim.fs.root(bufnr, { '.msls.yaml', '.msls.yml', '.git' }))
    end
  end,
  settings = {
    msls = {
      -- rules = { CacheBustingCopy = 'error', SingleStageBuild = 'off' },
    },
  },
})
vim.lsp.enable('msls')
