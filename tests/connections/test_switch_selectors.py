"""The on/off lists behind the console's switches stay inside one pool."""
from connections.selectors import application_switches, connection_switches
from connections.services import connection_enable_for


def test_application_switches_list_the_pools_applications_with_their_state(connection, application, other_application):
    assert application_switches(connection) == [(application, False)]
    connection_enable_for(connection=connection, application=application)
    assert application_switches(connection) == [(application, True)]


def test_connection_switches_list_the_pools_connections_with_their_state(connection, application, other_connection):
    connection_enable_for(connection=connection, application=application)
    assert connection_switches(application) == [(connection, True)]
