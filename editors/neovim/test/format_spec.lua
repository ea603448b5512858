-- Headless Neovim check of msls formatting through the real client
-- (vim.lsp.buf.format on 0.8+, vim.lsp.buf.formatting_sync on 0.7).
-- env: MSLS (the msls binary, default "msls"), LSP_TIMEOUT_MS (default 15000).
-- Run: nvim --headless --clean -c 'luafile format_spec.lua'  (exit 0 = pass)
local msls = os.getenv('MSLS') or 'msls'
local timeout = tonumber(os.getenv('LSP_TIMEOUT_MS') or '15000')
local function out(s) io.stdout:write(s .. '\n') end

-- The heredoc body (indentation, trailing blanks, tabs) must come back
-- byte for byte; everything else gets the house layout.
local input = {
  'from node:20 as build',
  'run   npm ci &&    \\',
  '        npm run build',
  'run <<EOF',
  '  echo "kept as is"   ',
  '\techo tab',
  'EOF',
  'from node:20-slim',
  'copy --from=build /app /app',
  'cmd [ "node","/app/server.js" ]',
}
local want = {
  'FROM node:20 AS build',
  'RUN npm ci && \\',
  '    npm run build',
  'RUN <<EOF',
  '  echo "kept as is"   ',
  '\techo tab',
  'EOF',
  '',
  'FROM node:20-slim',
  'COPY --from=build /app /app',
  'CMD ["node", "/app/server.js"]',
}

local ok, err = pcall(function()
  local dir = vim.fn.tempname()
  vim.fn.mkdir(dir, 'p')
  local file = dir .. '/Dockerfile'
  vim.fn.writefile(input, file)
  vim.cmd('edit ' .. vim.fn.fnameescape(file))
  local bufnr = vim.api.nvim_get_current_buf()
  vim.bo[bufnr].filetype = 'dockerfile'
  vim.bo[bufnr].expandtab = true
  vim.bo[bufnr].shiftwidth = 4
  vim.bo[bufnr].tabstop = 4

  local cfg = { name = 'msls', cmd = { msls }, root_dir = dir }
  local client_id
  if vim.lsp.start then
    client_id = vim.lsp.start(cfg)
  else
    client_id = vim.lsp.start_client(cfg)
    vim.lsp.buf_attach_client(bufnr, client_id)
  end
  assert(client_id, 'client did not start')
  assert(vim.wait(timeout, function()
    local c = vim.lsp.get_client_by_id(client_id)
    return c ~= nil and c.initialized
  end, 50), 'server did not initialize')
  local client = vim.lsp.get_client_by_id(client_id)
  local caps = client.server_capabilities or client.resolved_capabilities
  assert(caps.documentFormattingProvider or caps.document_formatting, 'no formatting capability')

  if vim.lsp.buf.format then
    vim.lsp.buf.format({ bufnr = bufnr, async = false, timeout_ms = timeout })
  else
    vim.lsp.buf.formatting_sync(nil, timeout)
  end
  local got = vim.api.nvim_buf_get_lines(bufnr, 0, -1, false)
  local same = #got == #want
  for i = 1, math.max(#got, #want) do
    if got[i] ~= want[i] then
      same = false
      out(('line %d: got %q, want %q'):format(i, tostring(got[i]), tostring(want[i])))
    end
  end
  assert(same, 'formatted buffer differs')

  -- Formatting again changes nothing.
  local tick = vim.api.nvim_buf_get_changedtick(bufnr)
  if vim.lsp.buf.format then
    vim.lsp.buf.format({ bufnr = bufnr, async = false, timeout_ms = timeout })
  else
    vim.lsp.buf.formatting_sync(nil, timeout)
  end
  assert(vim.api.nvim_buf_get_changedtick(bufnr) == tick, 'second format changed the buffer')
  out('format: ok (' .. #got .. ' lines)')

  if client.stop then client:stop() else vim.lsp.stop_client(client_id) end
  vim.wait(2000, function() return vim.lsp.get_client_by_id(client_id) == nil end, 50)
end)
if ok then vim.cmd('qall!') else out('FAIL: ' .. tostring(err)); vim.cmd('cquit 1') end
