-- msls for Neovim 0.11+: put this directory's parent on 'runtimepath' (or copy this file to
-- ~/.config/nvim/lsp/msls.lua), then call vim.lsp.enable('msls') in your init.lua.
-- Anything here can be overridden with vim.lsp.config('msls', { ... }).
return {
  cmd = { 'msls' },
  filetypes = { 'dockerfile' },
  -- .msls.yaml holds the rule settings `msls check` uses in CI; the editor reads the same file
  root_markers = { '.msls.yaml', '.msls.yml', '.git' },
  -- answered to the server's workspace/configuration request for section "msls" (docs/configuration.md):
  --   rules = { CacheBustingCopy = 'error', SingleStageBuild = 'off', RootFinalStage = { severity = 'warning' } },
  --   buildkit = true, inlineSuppression = true
  settings = { msls = vim.empty_dict() },
}
