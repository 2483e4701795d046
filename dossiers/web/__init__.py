"""The counter officer's web pages (server-rendered), and the public look-up page."""
