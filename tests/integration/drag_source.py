#!/usr/bin/python3
"""A GTK drag source offering file URIs, to make a real OS file drop on the
app under Xvfb (TOOLCHAIN.md, "Simulating an OS file drop"): xdotool presses
on this window, moves in steps over the app, and releases.

Usage: drag_source.py X Y FILE...   (the window's top-left corner on screen)
It prints "ready" once mapped, and exits after its drag ends or after 60 s."""
import sys
from pathlib import Path

import gi

gi.require_version("Gtk", "3.0")
gi.require_version("Gdk", "3.0")
from gi.repository import Gdk, GLib, Gtk  # noqa: E402

x, y = int(sys.argv[1]), int(sys.argv[2])
uris = [Path(p).resolve().as_uri() for p in sys.argv[3:]]

win = Gtk.Window(title="casefile-drag-source")
win.set_default_size(140, 70)
win.move(x, y)
button = Gtk.Button(label="drag me")
button.drag_source_set(Gdk.ModifierType.BUTTON1_MASK, [], Gdk.DragAction.COPY)
button.drag_source_add_uri_targets()
button.connect("drag-data-get", lambda _w, _c, data, _i, _t: data.set_uris(uris))
button.connect("drag-end", lambda *_: GLib.timeout_add(300, Gtk.main_quit))
win.add(button)
win.connect("destroy", Gtk.main_quit)
win.show_all()


def ready():
    print("ready", flush=True)
    return False


GLib.timeout_add(500, ready)
GLib.timeout_add_seconds(60, Gtk.main_quit)
Gtk.main()
