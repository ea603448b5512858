-- msls for Neovim 0.11+: put this directory's parent on 'runtimepath' (or copy this file to
-- ~/.config/nvim/lsp/msls.lua), then call vim.lsp.enable('msls') in your init.lua.
-- Anything here can be overridden with vim.lsp.config('msls', { ... }).
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

return {
  cmd = { 'msls' },
  filetypes = { 'dockerfile', 'yaml', 'yaml.docker-compose', 'hcl', 'json' },
  -- .msls.yaml holds the rule settings `msls check` uses in CI; the editor reads the same file
  root_dir = function(bufnr, on_dir)
    if msls_buffer(bufnr) then
      on_dir(vim.fs.root(bufnr, { '.msls.yaml', '.msls.yml', '.git' }))
    end
  end,
  -- answered to the server's workspace/configuration request for section "msls" (docs/configuration.md):
  --   rules = { CacheBustingCopy = 'error', SingleStageBuild = 'off', RootFinalStage = { severity = 'warning' } },
  --   buildkit = true, inlineSuppression = true
  settings = { msls = vim.empty_dict() },
}
