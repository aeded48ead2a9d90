"""Zotero sink: papers into collections of a Zotero library through the Web API, exactly once.

sink = ZoteroSink(ZoteroConfig(library_id="123", api_key=...), TargetSpec("zotero", "Reading/Robotics"),
                  state_dir=Path(...))
sink.check(); keys = sink.prepare(requests); ...persist keys...; sink.deliver(requests)
"""

from paperdrop.sync.zotero.config import ZoteroConfig, ZoteroOptions
from paperdrop.sync.zotero.sink import ZoteroSink

__all__ = ["ZoteroConfig", "ZoteroOptions", "ZoteroSink"]
