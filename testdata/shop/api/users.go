package api

import (
	"net/http"

	"example.com/shop/users"
)

func (s *Server) register(w http.ResponseWriter, r *http.Request) {
	var reg users.Registration
	if err := decode(r, &reg); err != nil {
		s.fail(w, r, err)
		return
	}
	ctx := r.Context()
	u, err := s.users.Register(ctx, reg)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.notify.Welcome(ctx, u)
	sess, err := s.users.StartSession(ctx, u.ID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, sess)
}

type loginRequest struct {
	Email    string `json:"email"`
	Password string `json:"password"`
}

func (s *Server) login(w http.ResponseWriter, r *http.Request) {
	var req loginRequest
	if err := decode(r, &req); err != nil {
		s.fail(w, r, err)
		return
	}
	sess, err := s.users.Login(r.Context(), req.Email, req.Password)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, sess)
}

func (s *Server) me(w http.ResponseWriter, r *http.Request, u users.User) {
	writeJSON(w, http.StatusOK, u)
}

func (s *Server) updateAddress(w http.ResponseWriter, r *http.Request, u users.User) {
	var addr users.Address
	if err := decode(r, &addr); err != nil {
		s.fail(w, r, err)
		return
	}
	u, err := s.users.UpdateAddress(r.Context(), u.ID, addr)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, u)
}

func (s *Server) listNotifications(w http.ResponseWriter, r *http.Request, u users.User) {
	p, err := pageRequest(r.URL.Query())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	msgs, err := s.notify.List(r.Context(), u.ID, p)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, msgs)
}
