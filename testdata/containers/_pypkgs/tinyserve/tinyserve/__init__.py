import os
from http.server import BaseHTTPRequestHandler, HTTPServer


def serve(answer, port=None):
    """Answer every GET with answer() until killed."""
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            body = answer().encode()
            self.send_response(200)
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    port = int(port or os.environ.get("PORT", 8000))
    HTTPServer(("0.0.0.0", port), Handler).serve_forever()
