"""Certificates (giấy chứng nhận): issue on program completion, PDF rendering, public verification, revocation."""
