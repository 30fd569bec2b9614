# The edge of a swarm's internal function network: the one way in from the manager. It answers an HTTP CONNECT for
# a replica's service name and port, opens a connection to it over the overlay network, and then copies bytes both
# ways until both sides have closed. Nothing else: no other target, no plain requests. Perl, because every Debian
# image has it (perl-base is essential), so the edge runs on the base image with no build.
use strict;
use warnings;
use IO::Socket::INET;
use IO::Select;
use POSIX ();

$SIG{CHLD} = 'IGNORE';
$| = 1;
my $listen = $ENV{MLOPS_EDGE_PORT} || 8080;
my $target_port = $ENV{MLOPS_EDGE_TARGET_PORT} || 8080;
my $server = IO::Socket::INET->new(LocalAddr => '0.0.0.0', LocalPort => $listen, Listen => 256, ReuseAddr => 1)
    or die "the edge cannot listen on $listen: $!\n";
print "edge listening on $listen\n";

while (1) {
    my $client = $server->accept or next;
    my $pid = fork;
    if (!defined $pid) {
        close $client;
        next;
    }
    if ($pid == 0) {
        close $server;
        serve($client);
        POSIX::_exit(0);
    }
    close $client;
}

sub refuse {
    my ($client, $status) = @_;
    syswrite $client, "HTTP/1.1 $status\r\nContent-Length: 0\r\nConnection: close\r\n\r\n";
}

sub serve {
    my ($client) = @_;
    my $head = '';
    # A byte at a time: whatever follows the request's blank line belongs to the tunnel.
    while ($head !~ /\r\n\r\n\z/) {
        my $read = sysread $client, my $byte, 1;
        return if !$read;
        $head .= $byte;
        return refuse($client, '431 Request Header Fields Too Large') if length $head > 4096;
    }
    my ($host, $port) = $head =~ m{\ACONNECT (mlops-[A-Za-z0-9_.-]{1,200}):([0-9]{1,5}) HTTP/1\.[01]\r\n};
    return refuse($client, '403 Forbidden') if !defined $host || $port != $target_port;
    my $upstream = IO::Socket::INET->new(PeerAddr => $host, PeerPort => $port, Timeout => 5);
    return refuse($client, '502 Bad Gateway') if !$upstream;
    syswrite $client, "HTTP/1.1 200 Connection established\r\n\r\n";
    copy_both($client, $upstream);
}

sub copy_both {
    my ($one, $other) = @_;
    my %peer = ("$one" => $other, "$other" => $one);
    my $open = IO::Select->new($one, $other);
    while ($open->count) {
        for my $from ($open->can_read) {
            my $to = $peer{"$from"};
            my $read = sysread $from, my $buffer, 65536;
            if (!$read) {
                $open->remove($from);
                shutdown $to, 1;
                next;
            }
            my $offset = 0;
            while ($offset < $read) {
                my $written = syswrite $to, $buffer, $read - $offset, $offset;
                return if !defined $written;
                $offset += $written;
            }
        }
    }
}
