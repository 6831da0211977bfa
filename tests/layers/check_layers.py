#!/usr/bin/env python3
"""Checks the rooms of the source tree (docs/architecture.md).

Each room (a top-level folder holding product code) has a file DEPS whose
`may_include:` line names the rooms its files may include.  This script:

  1. reads every `#include "..."` of every .c/.h in every room, resolves it
     and fails on an include of a room the including room may not include
     (file:line, both rooms, the rule);
  2. fails when the rooms' rules themselves form a circle;
  3. with --objects DIR (the object files of a build), reads which file
     calls which through `nm` and fails on a call between rooms that the
     rules do not allow (a circle hidden behind a declaration without an
     include) and on any circle between rooms.
  4. fails on a source file (.c, .h, .py, .sh, .bash) of a room, tests/,
     bench/ or examples/ longer than --max-lines (default 900): a file
     that long has several jobs (issue 12 asked for none over 900).

Usage: check_layers.py [--root SRC] [--objects DIR] [--max-lines N]
Exit 0 when the tree keeps its rules, 1 otherwise (every finding printed).
"""
import argparse
import os
import re
import subprocess
import sys

INCLUDE = re.compile(r'^\s*#\s*include\s+"([^"]+)"')


def read_rules(root):
    rooms = {}
    for d in sorted(os.listdir(root)):
        deps = os.path.join(root, d, 'DEPS')
        if not os.path.isfile(deps):
            continue
        allowed = None
        with open(deps) as f:
            for line in f:
                line = line.split('#', 1)[0].strip()
                if line.startswith('may_include:'):
                    allowed = set(line[len('may_include:'):].split())
        if allowed is None:
            sys.exit('%s: no "may_include:" line' % deps)
        rooms[d] = allowed
    for r, allowed in rooms.items():
        for a in allowed:
            if a not in rooms:
                sys.exit('%s/DEPS: unknown room "%s"' % (r, a))
    return rooms


def find_cycle(graph):
    """A list of nodes forming a circle in graph (dict node -> set), or None."""
    color = {}
    stack = []

    def visit(v):
        color[v] = 1
        stack.append(v)
        for w in sorted(graph.get(v, ())):
            if color.get(w) == 1:
                return stack[stack.index(w):] + [w]
            if not color.get(w):
                c = visit(w)
                if c:
                    return c
        stack.pop()
        color[v] = 2
        return None

    for v in sorted(graph):
        if not color.get(v):
            c = visit(v)
            if c:
                return c
    return None


def room_of(root, path):
    rel = os.path.relpath(path, root)
    return rel.split(os.sep, 1)[0] if os.sep in rel else None


def check_includes(root, rooms):
    bad = []
    for room in sorted(rooms):
        for dirpath, _, files in os.walk(os.path.join(root, room)):
            for name in sorted(files):
                if not name.endswith(('.c', '.h')):
                    continue
                path = os.path.join(dirpath, name)
                with open(path, errors='replace') as f:
                    for no, line in enumerate(f, 1):
                        m = INCLUDE.match(line)
                        if not m:
                            continue
                        # As the compiler looks: beside the file, then the
                        # public include/ folder (-I include, as plug-ins
                        # are built).
                        target = os.path.normpath(os.path.join(dirpath, m.group(1)))
                        if not os.path.exists(target):
                            target = os.path.normpath(os.path.join(root, 'include', m.group(1)))
                        if not os.path.exists(target):
                            bad.append('%s:%d: "%s" does not resolve from this file'
                                       % (os.path.relpath(path, root), no, m.group(1)))
                            continue
                        to = room_of(root, target)
                        if to == room or to is None:
                            continue
                        if to not in rooms[room]:
                            bad.append('%s:%d: includes %s, but room %s may include only: %s'
                                       % (os.path.relpath(path, root), no,
                                          os.path.relpath(target, root), room,
                                          ' '.join(sorted(rooms[room])) or '(nothing)'))
    return bad


def check_objects(objdir, rooms):
    defs, undefs = {}, {}
    for dirpath, _, files in os.walk(objdir):
        for name in files:
            if not name.endswith('.o'):
                continue
            path = os.path.join(dirpath, name)
            rel = os.path.relpath(path, objdir)
            room = rel.split(os.sep, 1)[0]
            if room not in rooms:
                continue
            out = subprocess.run(['nm', path], capture_output=True, text=True, check=True).stdout
            d, u = set(), set()
            for line in out.splitlines():
                p = line.split()
                if len(p) == 3 and p[1] in 'TDBRCV':
                    d.add(p[2])
                elif len(p) == 2 and p[0] == 'U':
                    u.add(p[1])
            defs[rel], undefs[rel] = d, u
    if not defs:
        return ['%s: no object files of any room (build first)' % objdir]
    owner = {}
    for f, d in defs.items():
        for s in d:
            owner[s] = f
    bad = []
    graph = {}
    for f, u in undefs.items():
        src = f.split(os.sep, 1)[0]
        for s in sorted(u):
            o = owner.get(s)
            if not o:
                continue
            dst = o.split(os.sep, 1)[0]
            if dst == src:
                continue
            graph.setdefault(src, set()).add(dst)
            if dst not in rooms[src]:
                bad.append('%s calls %s (%s), but room %s may use only: %s'
                           % (f[:-2], s, o[:-2], src, ' '.join(sorted(rooms[src])) or '(nothing)'))
    c = find_cycle(graph)
    if c:
        bad.append('the rooms call each other in a circle: ' + ' -> '.join(c))
    return bad


SOURCE_EXT = ('.c', '.h', '.py', '.sh', '.bash')


def check_lengths(root, rooms, limit):
    bad = []
    for top in sorted(set(rooms) | {'tests', 'bench', 'examples'}):
        for dirpath, dirs, files in os.walk(os.path.join(root, top)):
            dirs.sort()
            for name in sorted(files):
                if not name.endswith(SOURCE_EXT):
                    continue
                path = os.path.join(dirpath, name)
                with open(path, 'rb') as f:
                    n = sum(1 for _ in f)
                if n > limit:
                    bad.append('%s: %d lines, over the limit of %d (split it along its seams)'
                               % (os.path.relpath(path, root), n, limit))
    return bad


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--root', default=os.path.join(os.path.dirname(__file__), '..', '..'))
    ap.add_argument('--objects')
    ap.add_argument('--max-lines', type=int, default=900)
    a = ap.parse_args()
    root = os.path.abspath(a.root)
    rooms = read_rules(root)
    bad = []
    c = find_cycle(rooms)
    if c:
        bad.append('the rooms\' DEPS rules form a circle: ' + ' -> '.join(c))
    bad += check_includes(root, rooms)
    bad += check_lengths(root, rooms, a.max_lines)
    if a.objects:
        bad += check_objects(a.objects, rooms)
    for b in bad:
        print(b)
    print('%d rooms (%s): %s' % (len(rooms), ' '.join(sorted(rooms)),
                                 'ok' if not bad else '%d findings' % len(bad)))
    return 1 if bad else 0


if __name__ == '__main__':
    sys.exit(main())
