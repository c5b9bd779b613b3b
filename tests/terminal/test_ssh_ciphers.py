"""The cipher preference: AES-GCM first for speed on the console's loop, nothing else dropped, and
the user's own `Ciphers` line in ~/.ssh/config left to rule."""

from asyncssh.encryption import get_default_encryption_algs

from sessionboard.terminal.ssh import SshBackend, _config_sets_ciphers, cipher_preference


def test_aes_gcm_first_and_every_default_kept():
    order = cipher_preference()
    assert order[:2] == ["aes128-gcm@openssh.com", "aes256-gcm@openssh.com"]
    assert sorted(order) == sorted(alg.decode() for alg in get_default_encryption_algs())


def test_a_ciphers_line_in_the_users_config_wins(tmp_path):
    plain = tmp_path / "plain"
    plain.write_text("Host *\n  User ops\n")
    own = tmp_path / "own"
    own.write_text("Host *\n  Ciphers chacha20-poly1305@openssh.com\n")
    assert not _config_sets_ciphers([str(plain)])
    assert _config_sets_ciphers([str(plain), str(own)])
    backend = SshBackend("127.0.0.1", 22, "ops", known_hosts=str(tmp_path / "kh"), ssh_config=(str(own),))
    assert "encryption_algs" not in backend._options(None)
    backend = SshBackend("127.0.0.1", 22, "ops", known_hosts=str(tmp_path / "kh"), ssh_config=(str(plain),))
    assert backend._options(None)["encryption_algs"] == cipher_preference()
