-- msls with nvim-lspconfig (for setups that manage servers through it; Neovim 0.11+ does not need it,
-- see init.lua). nvim-lspconfig has no built-in entry for msls, so register one first.
local configs = require('lspconfig.configs')
local util = require('lspconfig.util')

if not configs.msls then
  configs.msls = {
    default_config = {
      cmd = { 'msls' },
      filetypes = { 'dockerfile' },
      root_dir = util.root_pattern('.msls.yaml', '.msls.yml', '.git'),
      single_file_support = true,
      settings = { msls = vim.empty_dict() },
    },
    docs = {
      description = 'msls: Dockerfile language server specialised in multi-stage builds. https://github.com/msls-dev/msls',
    },
  }
end

require('lspconfig').msls.setup({
  -- settings = { msls = { rules = { CacheBustingCopy = 'error' } } },
})
