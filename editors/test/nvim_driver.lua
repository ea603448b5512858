-- Headless Neovim driver: loads one of the SHIPPED msls configurations and records what Neovim's own
-- LSP client sees, in the same report shape as the VS Code driver, for lib/judge.mjs to judge.
-- env: MODE = legacy (editors/neovim/legacy.lua; Neovim 0.7+) | init (editors/neovim/init.lua; 0.11+) |
--      native (editors/neovim/lsp/msls.lua via
--      'runtimepath' + vim.lsp.enable; Neovim 0.11+); NEOVIM_DIR (editors/neovim); WS (the workspace
--      with the fixtures); EXPECT (expect.json); REPORT (output file). msls must be first on PATH.
local mode = os.getenv('MODE') or 'legacy'
local ws = assert(os.getenv('WS'), 'WS not set')
local expect = vim.fn.json_decode(table.concat(vim.fn.readfile(assert(os.getenv('EXPECT'))), '\n'))
local report_file = assert(os.getenv('REPORT'))
local nvim_dir = assert(os.getenv('NEOVIM_DIR'))
local timeout = tonumber(os.getenv('LSP_TIMEOUT_MS') or '20000')

local v = vim.version()
local report = { editor = ('Neovim %d.%d.%d'):format(v.major, v.minor, v.patch), mode = mode, steps = {}, errors = {} }

local function write()
  vim.fn.writefile({ vim.fn.json_encode(report) }, report_file)
end

local function step(name, fn)
  local ok, res = pcall(fn)
  if ok then report.steps[name] = res else table.insert(report.errors, name .. ': ' .. tostring(res)) end
end

local function get_clients(bufnr)
  if vim.lsp.get_clients then return vim.lsp.get_clients({ bufnr = bufnr, name = 'msls' }) end
  local out = {}
  for _, c in pairs(vim.lsp.buf_get_clients(bufnr)) do
    if c.name == 'msls' then table.insert(out, c) end
  end
  return out
end

local function codes_of(bufnr)
  local codes = {}
  for _, d in ipairs(vim.diagnostic.get(bufnr)) do codes[tostring(d.code)] = true end
  return codes
end

local function describe(d)
  local lsp = d.user_data and d.user_data.lsp or {}
  return {
    line = d.lnum, character = d.col, code = d.code ~= nil and tostring(d.code) or vim.NIL,
    source = d.source or vim.NIL, message = d.message,
    severity = ({ 'error', 'warning', 'information', 'hint' })[d.severity],
    href = lsp.codeDescription and lsp.codeDescription.href or vim.NIL,
  }
end

-- 0.11 made client methods take self (the dot form is deprecated there); 0.7-0.10 have closures
local function call(c, method, ...)
  if vim.fn.has('nvim-0.11') == 1 then return c[method](c, ...) end
  return c[method](...)
end

local function all_clients()
  return vim.lsp.get_clients and vim.lsp.get_clients() or vim.lsp.get_active_clients()
end

local function open(name)
  vim.cmd('edit ' .. vim.fn.fnameescape(ws .. '/' .. name))
  local bufnr = vim.api.nvim_get_current_buf()
  assert(vim.wait(timeout, function() return #get_clients(bufnr) > 0 end, 50), 'msls did not attach to ' .. name)
  return bufnr
end

local function request(bufnr, method, params)
  local client = get_clients(bufnr)[1]
  local res, err = call(client, 'request_sync', method, params, timeout, bufnr)
  assert(res, method .. ': ' .. tostring(err))
  assert(not res.err, method .. ': ' .. vim.inspect(res.err))
  return res.result
end

local function uri(bufnr) return vim.uri_from_bufnr(bufnr) end

local ok, err = pcall(function()
  vim.opt.swapfile = false
  vim.opt.shortmess:append('F')
  if mode == 'native' then
    assert(vim.lsp.config and vim.lsp.enable, 'native mode needs Neovim 0.11+')
    vim.opt.runtimepath:prepend(nvim_dir)   -- provides lsp/msls.lua, exactly as a user would
    vim.lsp.enable('msls')
  elseif mode == 'init' then
    dofile(nvim_dir .. '/init.lua')          -- the copy-paste init.lua snippet (vim.lsp.config form)
  else
    package.loaded['msls-legacy'] = dofile(nvim_dir .. '/legacy.lua')
  end
  vim.cmd('cd ' .. vim.fn.fnameescape(ws))

  step('filetypes', function()
    local got = {}
    for _, n in ipairs({ 'Dockerfile', 'Containerfile', 'api.Dockerfile', 'Dockerfile.dev' }) do
      local b = vim.fn.bufadd(ws .. '/' .. n)
      vim.fn.bufload(b)
      vim.api.nvim_buf_call(b, function() vim.cmd('filetype detect') end)
      got[n] = vim.api.nvim_buf_get_option(b, 'filetype')
    end
    return got
  end)

  for name, want in pairs(expect.diagnostics or {}) do
    step('diagnostics:' .. name, function()
      local bufnr = open(name)
      local wanted = want.codes or {}
      vim.wait(timeout, function()
        local have = codes_of(bufnr)
        if #vim.diagnostic.get(bufnr) == 0 then return false end
        for _, c in ipairs(wanted) do if not have[c] then return false end end
        return true
      end, 50)
      local ds = {}
      for _, d in ipairs(vim.diagnostic.get(bufnr)) do table.insert(ds, describe(d)) end
      table.sort(ds, function(a, b) return a.line < b.line end)
      return { languageId = vim.api.nvim_buf_get_option(bufnr, 'filetype'), diagnostics = ds }
    end)
  end

  if expect.hover then
    step('hover', function()
      local bufnr = open(expect.hover.file)
      local r = request(bufnr, 'textDocument/hover', { textDocument = { uri = uri(bufnr) }, position = expect.hover.position })
      local c = r and r.contents
      local text = type(c) == 'string' and c or (c and c.value) or vim.inspect(c)
      return { hovers = { text } }
    end)
  end

  if expect.completion then
    step('completion', function()
      local bufnr = open(expect.completion.file)
      local r = request(bufnr, 'textDocument/completion', { textDocument = { uri = uri(bufnr) }, position = expect.completion.position })
      local items = r and (r.items or r) or {}
      local labels = {}
      for _, it in ipairs(items) do table.insert(labels, it.label) end
      return { labels = labels }
    end)
  end

  if expect.codeActions then
    step('codeActions', function()
      local ca = expect.codeActions
      local bufnr = open(ca.file)
      local r = ca.range
      local range = { start = { line = r.line, character = r.character }, ['end'] = { line = r.endLine, character = r.endCharacter } }
      local lsp_diags = {}
      for _, d in ipairs(vim.diagnostic.get(bufnr)) do
        if d.user_data and d.user_data.lsp and d.lnum <= r.endLine and (d.end_lnum or d.lnum) >= r.line then
          table.insert(lsp_diags, d.user_data.lsp)
        end
      end
      local res = request(bufnr, 'textDocument/codeAction',
        { textDocument = { uri = uri(bufnr) }, range = range, context = { diagnostics = lsp_diags } }) or {}
      local actions = {}
      for _, a in ipairs(res) do
        table.insert(actions, { title = a.title, kind = a.kind or vim.NIL, hasEdit = a.edit ~= nil, isPreferred = a.isPreferred == true })
      end
      return { actions = actions }
    end)
  end

  if expect.configChange then
    step('configChange', function()
      local cc = expect.configChange
      local bufnr = open(cc.file)
      local client = get_clients(bufnr)[1]
      local has = function() return codes_of(bufnr)[cc.code] == true end
      local before = vim.wait(timeout, has, 50)
      local function set(settings)
        client.config.settings = settings
        client.settings = settings   -- 0.11+ answers workspace/configuration from here
        call(client, 'notify', 'workspace/didChangeConfiguration', { settings = settings })
      end
      set({ msls = { rules = { [cc.code] = { enabled = false } } } })
      local gone = vim.wait(10000, function() return not has() end, 50)
      set({ msls = vim.empty_dict() })
      local back = vim.wait(10000, has, 50)
      return { before = before, goneAfterDisable = gone, backAfterReset = back }
    end)
  end

  if expect.renameTargets then
    -- renaming a stage edits the compose file that builds it (the server's index of build targets)
    step('renameTargets', function()
      local rt = expect.renameTargets
      local bufnr = open(rt.file)
      local client = get_clients(bufnr)[1]
      local pos = { textDocument = { uri = uri(bufnr) }, position = rt.position }
      local suffix = '/' .. rt.target
      -- the index is built in the background: wait until the stage's references reach the file
      local referenced = false
      for _ = 1, math.floor(timeout / 100) do
        local refs = request(bufnr, 'textDocument/references', vim.tbl_extend('force', pos, { context = { includeDeclaration = true } })) or {}
        for _, l in ipairs(refs) do
          if l.uri:sub(-#suffix) == suffix then referenced = true end
        end
        if referenced then break end
        vim.wait(100)
      end
      local edit = request(bufnr, 'textDocument/rename', vim.tbl_extend('force', pos, { newName = rt.newName }))
      vim.lsp.util.apply_workspace_edit(edit, client.offset_encoding or 'utf-16')
      local tb = vim.fn.bufadd(ws .. '/' .. rt.target)
      vim.fn.bufload(tb)
      return {
        referenced = referenced,
        targetText = table.concat(vim.api.nvim_buf_get_lines(tb, 0, -1, false), '\n'),
        fileText = table.concat(vim.api.nvim_buf_get_lines(bufnr, 0, -1, false), '\n'),
      }
    end)
  end

  report.finished = true
end)
if not ok then report.fatal = tostring(err) end
write()
for _, c in ipairs(all_clients()) do call(c, 'stop') end
vim.wait(3000, function() return #all_clients() == 0 end, 50)
vim.cmd('qall!')
