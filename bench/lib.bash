# Sourced by the bench scripts: installing bench-only tools, and an nginx on
# 127.0.0.1 that answers every request instantly with a fixed chat completion.

# need CMD PACKAGE: installs PACKAGE with apt-get when CMD is missing (root), else says how.
need() {
	command -v "$1" >/dev/null && return 0
	if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
		echo "installing $2 (bench only)" >&2
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$2" >/dev/null ||
			{ apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$2" >/dev/null; }
	fi
	command -v "$1" >/dev/null || { echo "bench needs $1: apt-get install $2" >&2; exit 2; }
}

# nginx_start DIR: starts nginx with its files under DIR/ng; sets NGINX_PORT
# and NGINX_PID (the master; stop it with kill).
nginx_start() {
	local dir=$1
	need nginx nginx-light
	NGINX_PORT=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
	mkdir -p "$dir/ng"
	cat >"$dir/ng/nginx.conf" <<NGINX
daemon off;
master_process on;
worker_processes auto;
pid $dir/ng/nginx.pid;
error_log $dir/ng/error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  keepalive_requests 100000000;
  keepalive_timeout 120s;
  client_max_body_size 16m;
  client_body_buffer_size 1m;
  client_body_temp_path $dir/ng/body;
  proxy_temp_path $dir/ng/proxy;
  fastcgi_temp_path $dir/ng/fastcgi;
  uwsgi_temp_path $dir/ng/uwsgi;
  scgi_temp_path $dir/ng/scgi;
  server {
    listen 127.0.0.1:$NGINX_PORT;
    location / {
      default_type application/json;
      return 200 '{"id":"chatcmpl-bench","object":"chat.completion","created":1,"model":"bench","system_fingerprint":"fp_bench","choices":[{"index":0,"message":{"role":"assistant","content":"Yes"},"finish_reason":"stop"}],"usage":{"prompt_tokens":100,"completion_tokens":1,"total_tokens":101}}';
    }
  }
}
NGINX
	"$(command -v nginx)" -c "$dir/ng/nginx.conf" -p "$dir/ng" 2>"$dir/ng/stderr" &
	NGINX_PID=$!
	for _ in $(seq 100); do
		python3 -c 'import socket, sys; socket.create_connection(("127.0.0.1", int(sys.argv[1])), 1)' \
			"$NGINX_PORT" 2>/dev/null && return 0
		sleep 0.05
	done
	echo "nginx did not start: $(cat "$dir/ng/stderr")" >&2
	exit 2
}
