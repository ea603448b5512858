-- msls for Neovim 0.7 - 0.10 without plugins (0.11+: use init.lua or lsp/msls.lua instead).
-- Copy into your init.lua, or `:luafile` it. Needs `msls` on PATH.
local M = {}

M.config = {
  name = 'msls',
  cmd = { 'msls' },
  settings = { msls = vim.empty_dict() },
}

local markers = { '.msls.yaml', '.msls.yml', '.git' }

local function root_dir(bufnr)
  local dir = vim.fn.fnamemodify(vim.api.nvim_buf_get_name(bufnr), ':p:h')
  for _, m in ipairs(markers) do
    local f = vim.fn.findfile(m, dir .. ';')
    if f ~= '' then return vim.fn.fnamemodify(f, ':p:h') end
    local d = vim.fn.finddir(m, dir .. ';')
    if d ~= '' then return vim.fn.fnamemodify(d, ':p:h:h') end
  end
  return dir
end

local started = {} -- root -> client id (0.7 has no vim.lsp.start to reuse clients)

function M.attach(bufnr)
  bufnr = (bufnr == nil or bufnr == 0) and vim.api.nvim_get_current_buf() or bufnr
  local root = root_dir(bufnr)
  local cfg = vim.tbl_deep_extend('force', M.config, { root_dir = root })
  if vim.lsp.start then
    return vim.lsp.start(cfg, { bufnr = bufnr })
  end
  local id = started[root]
  if not id or not vim.lsp.get_client_by_id(id) then
    id = vim.lsp.start_client(cfg)
    started[root] = id
  end
  if id then vim.lsp.buf_attach_client(bufnr, id) end
  return id
end

local group = vim.api.nvim_create_augroup('msls', { clear = true })
-- older runtimes do not know every name people give Dockerfiles
vim.api.nvim_create_autocmd({ 'BufRead', 'BufNewFile' }, {
  group = group,
  pattern = { 'Dockerfile', 'Dockerfile.*', '*.Dockerfile', '*.dockerfile', 'Containerfile', 'Containerfile.*', '*.Containerfile' },
  command = 'setfiletype dockerfile',
})
vim.api.nvim_create_autocmd('FileType', {
  group = group,
  pattern = 'dockerfile',
  callback = function(args) M.attach(args.buf) end,
})

return M
